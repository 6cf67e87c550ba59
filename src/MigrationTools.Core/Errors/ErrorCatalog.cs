using System;
using MigrationTools.Core.Interop;

namespace MigrationTools.Core.Errors;

/// <summary>
/// One factory per error id: the id and its kind (hence its ErrorCategory) are fixed here, the message and the object
/// it concerns come from the caller. Nothing else constructs a <see cref="MigrationToolsException"/> (a test reads the
/// assemblies' IL for that).
/// </summary>
internal static partial class ErrorCatalog
{
    /// <summary>The kind of failure an id stands for; an id outside the catalog is a programming error.</summary>
    internal static FailureKind KindOf(string id) => id switch
    {
        ErrorIds.AccessDenied => FailureKind.PermissionDenied,
        ErrorIds.AddressExists => FailureKind.ResourceExists,
        ErrorIds.AddressNotFound => FailureKind.ObjectNotFound,
        ErrorIds.AgentMissing => FailureKind.NotInstalled,
        ErrorIds.CannotRemoveLoopback => FailureKind.InvalidOperation,
        ErrorIds.CaptureFailed => FailureKind.OperationFailed,
        ErrorIds.CaptureNotFound => FailureKind.ObjectNotFound,
        ErrorIds.CaptureUnreadable => FailureKind.InvalidArgument,
        ErrorIds.CommandTimedOut => FailureKind.OperationTimeout,
        ErrorIds.CounterNotFound => FailureKind.ObjectNotFound,
        ErrorIds.CryptoUnavailable => FailureKind.NotInstalled,
        ErrorIds.DetachedInput => FailureKind.InvalidArgument,
        ErrorIds.FlowBackendConflict => FailureKind.InvalidOperation,
        ErrorIds.FlowBackendUnavailable => FailureKind.NotSupported,
        ErrorIds.FlowMappingAmbiguous => FailureKind.InvalidArgument,
        ErrorIds.FlowMappingExists => FailureKind.ResourceExists,
        ErrorIds.FlowMappingNotFound => FailureKind.ObjectNotFound,
        ErrorIds.FlowTargetFamilyMismatch => FailureKind.InvalidArgument,
        ErrorIds.FlowTargetIsVirtual => FailureKind.InvalidArgument,
        ErrorIds.FlowTargetNotInList => FailureKind.InvalidArgument,
        ErrorIds.FlowTargetsDuplicate => FailureKind.InvalidArgument,
        ErrorIds.FlowTargetsEmpty => FailureKind.InvalidArgument,
        ErrorIds.FlowUnroutable => FailureKind.InvalidOperation,
        ErrorIds.GatewayUnreachable => FailureKind.InvalidArgument,
        ErrorIds.IOFailed => FailureKind.OperationFailed,
        ErrorIds.InterfaceExists => FailureKind.ResourceExists,
        ErrorIds.InterfaceNameTaken => FailureKind.ResourceExists,
        ErrorIds.InterfaceNotFound => FailureKind.ObjectNotFound,
        ErrorIds.InvalidArgument => FailureKind.InvalidArgument,
        ErrorIds.InvalidCommand => FailureKind.InvalidArgument,
        ErrorIds.InvalidEnvironmentVariable => FailureKind.InvalidArgument,
        ErrorIds.InvalidInterfaceName => FailureKind.InvalidArgument,
        ErrorIds.InvalidIpAddress => FailureKind.InvalidArgument,
        ErrorIds.InvalidIpPrefix => FailureKind.InvalidArgument,
        ErrorIds.InvalidLabName => FailureKind.InvalidArgument,
        ErrorIds.InvalidMetric => FailureKind.InvalidArgument,
        ErrorIds.InvalidMtu => FailureKind.InvalidArgument,
        ErrorIds.InvalidNetNsName => FailureKind.InvalidArgument,
        ErrorIds.InvalidProtocol => FailureKind.InvalidArgument,
        ErrorIds.InvalidRoutePrefix => FailureKind.InvalidArgument,
        ErrorIds.InvalidSysctlKey => FailureKind.InvalidArgument,
        ErrorIds.InvalidTunnelOption => FailureKind.InvalidArgument,
        ErrorIds.IpipAddressNotIPv4 => FailureKind.InvalidArgument,
        ErrorIds.IpipKernelUnsupported => FailureKind.NotSupported,
        ErrorIds.IpipLocalAddressNotFound => FailureKind.ObjectNotFound,
        ErrorIds.IptablesFailed => FailureKind.OperationFailed,
        ErrorIds.KeyLogUnreadable => FailureKind.InvalidArgument,
        ErrorIds.LabAddressNotFound => FailureKind.ObjectNotFound,
        ErrorIds.LabBusy => FailureKind.InvalidOperation,
        ErrorIds.LabHostUnreachable => FailureKind.ConnectionFailed,
        ErrorIds.LabHostModuleMismatch => FailureKind.NotInstalled,
        ErrorIds.LabHostFailed => FailureKind.OperationFailed,
        ErrorIds.LabDamaged => FailureKind.InvalidOperation,
        ErrorIds.LabDrawingFailed => FailureKind.OperationFailed,
        ErrorIds.LabExists => FailureKind.ResourceExists,
        ErrorIds.LabFileInvalid => FailureKind.InvalidArgument,
        ErrorIds.LabFileNotFound => FailureKind.ObjectNotFound,
        ErrorIds.LabNamespaceExists => FailureKind.ResourceExists,
        ErrorIds.LabNodeNotFound => FailureKind.ObjectNotFound,
        ErrorIds.LabNotFound => FailureKind.ObjectNotFound,
        ErrorIds.LabRateFailed => FailureKind.OperationFailed,
        ErrorIds.LabRecordCorrupt => FailureKind.InvalidData,
        ErrorIds.LabRulesetFailed => FailureKind.InvalidArgument,
        ErrorIds.LabStateUnreadable => FailureKind.OperationFailed,
        ErrorIds.LabTemplateNotFound => FailureKind.ObjectNotFound,
        ErrorIds.NativeCommandFailed => FailureKind.OperationFailed,
        ErrorIds.NetNsCreateFailed => FailureKind.OperationFailed,
        ErrorIds.NetNsExists => FailureKind.ResourceExists,
        ErrorIds.NetNsListFailed => FailureKind.OperationFailed,
        ErrorIds.NetNsNotFound => FailureKind.ObjectNotFound,
        ErrorIds.NetNsProcessNotFound => FailureKind.ObjectNotFound,
        ErrorIds.NetNsRemoveFailed => FailureKind.OperationFailed,
        ErrorIds.NetlinkFailed => FailureKind.OperationFailed,
        ErrorIds.NetlinkInvalidArgument => FailureKind.InvalidArgument,
        ErrorIds.NetlinkNotSupported => FailureKind.NotSupported,
        ErrorIds.NetlinkObjectExists => FailureKind.ResourceExists,
        ErrorIds.NetlinkObjectNotFound => FailureKind.ObjectNotFound,
        ErrorIds.NetlinkPermissionDenied => FailureKind.PermissionDenied,
        ErrorIds.NetlinkTimeout => FailureKind.OperationTimeout,
        ErrorIds.NftablesFailed => FailureKind.OperationFailed,
        ErrorIds.NotLinux => FailureKind.NotSupported,
        ErrorIds.NotRoot => FailureKind.PermissionDenied,
        ErrorIds.OperationTimedOut => FailureKind.OperationTimeout,
        ErrorIds.OutFileExists => FailureKind.ResourceExists,
        ErrorIds.OutFileFailed => FailureKind.OperationFailed,
        ErrorIds.OutFileInvalid => FailureKind.InvalidArgument,
        ErrorIds.PipelineInputInvalid => FailureKind.InvalidArgument,
        ErrorIds.KernelFeatureMissing => FailureKind.NotSupported,
        ErrorIds.QuicImplementationInvalid => FailureKind.InvalidArgument,
        ErrorIds.QuicImplementationNotFound => FailureKind.ObjectNotFound,
        ErrorIds.QuicBuildFailed => FailureKind.OperationFailed,
        ErrorIds.ImpairmentFailed => FailureKind.OperationFailed,
        ErrorIds.ImpairmentNotFound => FailureKind.ObjectNotFound,
        ErrorIds.PathNotFound => FailureKind.ObjectNotFound,
        ErrorIds.PrefixLengthConflict => FailureKind.InvalidArgument,
        ErrorIds.ProcessStartFailed => FailureKind.OperationFailed,
        ErrorIds.ProgramNotFound => FailureKind.ObjectNotFound,
        ErrorIds.QlogOutInvalid => FailureKind.InvalidArgument,
        ErrorIds.QlogUnreadable => FailureKind.InvalidArgument,
        ErrorIds.RouteExists => FailureKind.ResourceExists,
        ErrorIds.RouteFamilyMismatch => FailureKind.InvalidArgument,
        ErrorIds.RouteNeedsNextHop => FailureKind.InvalidArgument,
        ErrorIds.RouteNotFound => FailureKind.ObjectNotFound,
        ErrorIds.RouteNotInstalled => FailureKind.OperationFailed,
        ErrorIds.RouteSourceInvalid => FailureKind.InvalidArgument,
        ErrorIds.SetNsFailed => FailureKind.OperationFailed,
        ErrorIds.StateLockFailed => FailureKind.OperationFailed,
        ErrorIds.StateLockTimeout => FailureKind.OperationTimeout,
        ErrorIds.StateWriteFailed => FailureKind.OperationFailed,
        ErrorIds.StreamFailed => FailureKind.OperationFailed,
        ErrorIds.SysctlNotFound => FailureKind.ObjectNotFound,
        ErrorIds.SysctlReadOnly => FailureKind.PermissionDenied,
        ErrorIds.SysctlWriteFailed => FailureKind.OperationFailed,
        ErrorIds.SysctlWriteOnly => FailureKind.PermissionDenied,
        ErrorIds.TargetNamespaceAmbiguous => FailureKind.InvalidArgument,
        ErrorIds.TargetNamespaceNotOnPath => FailureKind.ObjectNotFound,
        ErrorIds.ToolFailed => FailureKind.OperationFailed,
        ErrorIds.ToolNotInstalled => FailureKind.NotInstalled,
        ErrorIds.ToolReportedExists => FailureKind.ResourceExists,
        ErrorIds.ToolReportedInvalidArgument => FailureKind.InvalidArgument,
        ErrorIds.ToolReportedNotFound => FailureKind.ObjectNotFound,
        ErrorIds.ToolReportedPermissionDenied => FailureKind.PermissionDenied,
        ErrorIds.ToolStartFailed => FailureKind.OperationFailed,
        ErrorIds.TunDeviceFailed => FailureKind.OperationFailed,
        ErrorIds.TunnelModeConflict => FailureKind.InvalidOperation,
        ErrorIds.TunnelNotFound => FailureKind.ObjectNotFound,
        ErrorIds.TunnelRelayFailed => FailureKind.OperationFailed,
        ErrorIds.UnexpectedError => FailureKind.OperationFailed,
        ErrorIds.VethSameName => FailureKind.InvalidArgument,
        _ => throw new ArgumentOutOfRangeException(nameof(id), id, "Not an id of the error catalog."),
    };

    /// <summary>The error for an id chosen at run time (by errno, by a tool's message).</summary>
    internal static MigrationToolsException Create(string id, string message, object? target = null, Exception? inner = null) =>
        new(id, KindOf(id), message, target, inner);

    /// <summary>
    /// The error for a failed system call: EPERM and EACCES are PermissionDenied, EBUSY and EEXIST ResourceExists,
    /// whatever the id; any other errno keeps the id's own kind.
    /// </summary>
    internal static MigrationToolsException FromErrno(string id, Errno errno, string message, object? target = null, Exception? inner = null) =>
        new(id, errno switch
        {
            Errno.EPERM or Errno.EACCES => FailureKind.PermissionDenied,
            Errno.EBUSY or Errno.EEXIST => FailureKind.ResourceExists,
            _ => KindOf(id),
        }, message, target, inner);

    /// <summary>
    /// The error for a file a reader needs that does not exist: the reader's own id (scripts match one id per input,
    /// KeyLogUnreadable, QlogUnreadable), kind ObjectNotFound.
    /// </summary>
    internal static MigrationToolsException Missing(string id, string message, object? target = null, Exception? inner = null) =>
        new(id, FailureKind.ObjectNotFound, message, target, inner);

    /// <summary>The error for a file that could not be read: access refused is PermissionDenied, else the id's kind.</summary>
    internal static MigrationToolsException FromFileError(string id, Exception error, string message, object? target = null) =>
        new(id, error is UnauthorizedAccessException ? FailureKind.PermissionDenied : KindOf(id), message, target, error);
}
