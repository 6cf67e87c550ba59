namespace MigrationTools.Core.Errors;

/// <summary>
/// What went wrong, independent of PowerShell. The module maps each kind to an ErrorCategory.
/// </summary>
public enum FailureKind
{
    /// <summary>An argument is malformed or out of range.</summary>
    InvalidArgument,
    /// <summary>The object to create already exists.</summary>
    ResourceExists,
    /// <summary>The object named does not exist.</summary>
    ObjectNotFound,
    /// <summary>A required program or kernel feature is missing.</summary>
    NotInstalled,
    /// <summary>The caller lacks the privilege (root) the operation needs.</summary>
    PermissionDenied,
    /// <summary>The platform cannot do this at all (not Linux, no kernel support).</summary>
    NotSupported,
    /// <summary>The request is valid but conflicts with the current state.</summary>
    InvalidOperation,
    /// <summary>The operation was cancelled or timed out.</summary>
    OperationTimeout,
    /// <summary>A tool or the kernel reported a failure.</summary>
    OperationFailed,
    /// <summary>Stored data (a state record) is damaged or not what the module wrote.</summary>
    InvalidData,

    /// <summary>A remote host could not be reached (ConnectionError).</summary>
    ConnectionFailed,
}
