using System;

namespace MigrationTools.Core.Errors;

/// <summary>
/// The one exception the engine throws for expected failures. <see cref="ErrorId"/> is stable and becomes
/// the PowerShell FullyQualifiedErrorId; <see cref="Kind"/> picks the ErrorCategory.
/// </summary>
public sealed class MigrationToolsException : Exception
{
    /// <summary>Creates an exception with a stable id, a kind and the object it concerns.</summary>
    internal MigrationToolsException(string errorId, FailureKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    /// <summary>Stable identifier, e.g. <c>NetNsNotFound</c>.</summary>
    public string ErrorId { get; }

    /// <summary>The kind of failure.</summary>
    public FailureKind Kind { get; }

    /// <summary>The object the failure concerns (a name, an address).</summary>
    public object? Target { get; }
}
