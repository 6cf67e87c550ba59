using System;
using MigrationTools.Core.Interop;

namespace MigrationTools.Core.Errors;

/// <summary>
/// Every error id the module reports, in one place. An id is stable: it is the first part of the PowerShell
/// FullyQualifiedErrorId, scripts match on it, and <c>about_MigrationTools</c> documents each one (a test checks both
/// ways). Code names ids by these constants, never by a string of its own.
/// </summary>
public static class ErrorIds
{
    /// <summary><c>AccessDenied</c> (PermissionDenied).</summary>
    public const string AccessDenied = nameof(AccessDenied);

    /// <summary><c>AddressExists</c> (ResourceExists).</summary>
    public const string AddressExists = nameof(AddressExists);

    /// <summary><c>AddressNotFound</c> (ObjectNotFound).</summary>
    public const string AddressNotFound = nameof(AddressNotFound);

    /// <summary><c>AgentMissing</c> (NotInstalled).</summary>
    public const string AgentMissing = nameof(AgentMissing);

    /// <summary><c>CannotRemoveLoopback</c> (InvalidOperation).</summary>
    public const string CannotRemoveLoopback = nameof(CannotRemoveLoopback);

    /// <summary><c>CaptureFailed</c> (OperationFailed).</summary>
    public const string CaptureFailed = nameof(CaptureFailed);

    /// <summary><c>CaptureNotFound</c> (ObjectNotFound).</summary>
    public const string CaptureNotFound = nameof(CaptureNotFound);

    /// <summary><c>CaptureUnreadable</c> (InvalidArgument).</summary>
    public const string CaptureUnreadable = nameof(CaptureUnreadable);

    /// <summary><c>CommandTimedOut</c> (OperationTimeout).</summary>
    public const string CommandTimedOut = nameof(CommandTimedOut);

    /// <summary><c>CounterNotFound</c> (ObjectNotFound).</summary>
    public const string CounterNotFound = nameof(CounterNotFound);

    /// <summary><c>CryptoUnavailable</c> (NotInstalled).</summary>
    public const string CryptoUnavailable = nameof(CryptoUnavailable);

    /// <summary><c>DetachedInput</c> (InvalidArgument).</summary>
    public const string DetachedInput = nameof(DetachedInput);

    /// <summary><c>FlowBackendConflict</c> (InvalidOperation).</summary>
    public const string FlowBackendConflict = nameof(FlowBackendConflict);

    /// <summary><c>FlowBackendUnavailable</c> (NotSupported).</summary>
    public const string FlowBackendUnavailable = nameof(FlowBackendUnavailable);

    /// <summary><c>FlowMappingAmbiguous</c> (InvalidArgument).</summary>
    public const string FlowMappingAmbiguous = nameof(FlowMappingAmbiguous);

    /// <summary><c>FlowMappingExists</c> (ResourceExists).</summary>
    public const string FlowMappingExists = nameof(FlowMappingExists);

    /// <summary><c>FlowMappingNotFound</c> (ObjectNotFound).</summary>
    public const string FlowMappingNotFound = nameof(FlowMappingNotFound);

    /// <summary><c>FlowTargetFamilyMismatch</c> (InvalidArgument).</summary>
    public const string FlowTargetFamilyMismatch = nameof(FlowTargetFamilyMismatch);

    /// <summary><c>FlowTargetIsVirtual</c> (InvalidArgument).</summary>
    public const string FlowTargetIsVirtual = nameof(FlowTargetIsVirtual);

    /// <summary><c>FlowTargetNotInList</c> (InvalidArgument).</summary>
    public const string FlowTargetNotInList = nameof(FlowTargetNotInList);

    /// <summary><c>FlowTargetsDuplicate</c> (InvalidArgument).</summary>
    public const string FlowTargetsDuplicate = nameof(FlowTargetsDuplicate);

    /// <summary><c>FlowTargetsEmpty</c> (InvalidArgument).</summary>
    public const string FlowTargetsEmpty = nameof(FlowTargetsEmpty);

    /// <summary><c>FlowUnroutable</c> (InvalidOperation).</summary>
    public const string FlowUnroutable = nameof(FlowUnroutable);

    /// <summary><c>GatewayUnreachable</c> (InvalidArgument).</summary>
    public const string GatewayUnreachable = nameof(GatewayUnreachable);

    /// <summary><c>IOFailed</c> (OperationFailed).</summary>
    public const string IOFailed = nameof(IOFailed);

    /// <summary><c>InterfaceExists</c> (ResourceExists).</summary>
    public const string InterfaceExists = nameof(InterfaceExists);

    /// <summary><c>InterfaceNameTaken</c> (ResourceExists).</summary>
    public const string InterfaceNameTaken = nameof(InterfaceNameTaken);

    /// <summary><c>InterfaceNotFound</c> (ObjectNotFound).</summary>
    public const string InterfaceNotFound = nameof(InterfaceNotFound);

    /// <summary><c>InvalidArgument</c> (InvalidArgument).</summary>
    public const string InvalidArgument = nameof(InvalidArgument);

    /// <summary><c>InvalidCommand</c> (InvalidArgument).</summary>
    public const string InvalidCommand = nameof(InvalidCommand);

    /// <summary><c>InvalidEnvironmentVariable</c> (InvalidArgument).</summary>
    public const string InvalidEnvironmentVariable = nameof(InvalidEnvironmentVariable);

    /// <summary><c>InvalidInterfaceName</c> (InvalidArgument).</summary>
    public const string InvalidInterfaceName = nameof(InvalidInterfaceName);

    /// <summary><c>InvalidIpAddress</c> (InvalidArgument).</summary>
    public const string InvalidIpAddress = nameof(InvalidIpAddress);

    /// <summary><c>InvalidIpPrefix</c> (InvalidArgument).</summary>
    public const string InvalidIpPrefix = nameof(InvalidIpPrefix);

    /// <summary><c>InvalidLabName</c> (InvalidArgument).</summary>
    public const string InvalidLabName = nameof(InvalidLabName);

    /// <summary><c>InvalidMetric</c> (InvalidArgument).</summary>
    public const string InvalidMetric = nameof(InvalidMetric);

    /// <summary><c>InvalidMtu</c> (InvalidArgument).</summary>
    public const string InvalidMtu = nameof(InvalidMtu);

    /// <summary><c>InvalidNetNsName</c> (InvalidArgument).</summary>
    public const string InvalidNetNsName = nameof(InvalidNetNsName);

    /// <summary><c>InvalidProtocol</c> (InvalidArgument).</summary>
    public const string InvalidProtocol = nameof(InvalidProtocol);

    /// <summary><c>InvalidRoutePrefix</c> (InvalidArgument).</summary>
    public const string InvalidRoutePrefix = nameof(InvalidRoutePrefix);

    /// <summary><c>InvalidSysctlKey</c> (InvalidArgument).</summary>
    public const string InvalidSysctlKey = nameof(InvalidSysctlKey);

    /// <summary><c>InvalidTunnelOption</c> (InvalidArgument).</summary>
    public const string InvalidTunnelOption = nameof(InvalidTunnelOption);

    /// <summary><c>IpipAddressNotIPv4</c> (InvalidArgument).</summary>
    public const string IpipAddressNotIPv4 = nameof(IpipAddressNotIPv4);

    /// <summary><c>IpipKernelUnsupported</c> (NotSupported).</summary>
    public const string IpipKernelUnsupported = nameof(IpipKernelUnsupported);

    /// <summary><c>IpipLocalAddressNotFound</c> (ObjectNotFound).</summary>
    public const string IpipLocalAddressNotFound = nameof(IpipLocalAddressNotFound);

    /// <summary><c>IptablesFailed</c> (OperationFailed).</summary>
    public const string IptablesFailed = nameof(IptablesFailed);

    /// <summary><c>KeyLogUnreadable</c> (InvalidArgument).</summary>
    public const string KeyLogUnreadable = nameof(KeyLogUnreadable);

    /// <summary><c>LabAddressNotFound</c> (ObjectNotFound).</summary>
    public const string LabAddressNotFound = nameof(LabAddressNotFound);

    /// <summary><c>LabBusy</c> (InvalidOperation).</summary>
    public const string LabBusy = nameof(LabBusy);

    /// <summary><c>LabDamaged</c> (InvalidOperation).</summary>
    public const string LabDamaged = nameof(LabDamaged);

    /// <summary><c>LabDrawingFailed</c> (OperationFailed).</summary>
    public const string LabDrawingFailed = nameof(LabDrawingFailed);

    /// <summary><c>LabExists</c> (ResourceExists).</summary>
    public const string LabExists = nameof(LabExists);

    /// <summary><c>LabFileInvalid</c> (InvalidArgument).</summary>
    public const string LabFileInvalid = nameof(LabFileInvalid);

    /// <summary><c>LabFileNotFound</c> (ObjectNotFound).</summary>
    public const string LabFileNotFound = nameof(LabFileNotFound);

    /// <summary><c>LabNamespaceExists</c> (ResourceExists).</summary>
    public const string LabNamespaceExists = nameof(LabNamespaceExists);

    /// <summary><c>LabNodeNotFound</c> (ObjectNotFound).</summary>
    public const string LabNodeNotFound = nameof(LabNodeNotFound);

    /// <summary><c>LabNotFound</c> (ObjectNotFound).</summary>
    public const string LabNotFound = nameof(LabNotFound);

    /// <summary><c>LabRateFailed</c> (OperationFailed).</summary>
    public const string LabRateFailed = nameof(LabRateFailed);

    /// <summary><c>LabRecordCorrupt</c> (InvalidData).</summary>
    public const string LabRecordCorrupt = nameof(LabRecordCorrupt);

    /// <summary><c>LabRulesetFailed</c> (InvalidArgument).</summary>
    public const string LabRulesetFailed = nameof(LabRulesetFailed);

    /// <summary><c>LabStateUnreadable</c> (OperationFailed).</summary>
    public const string LabStateUnreadable = nameof(LabStateUnreadable);

    /// <summary><c>LabTemplateNotFound</c> (ObjectNotFound).</summary>
    public const string LabTemplateNotFound = nameof(LabTemplateNotFound);

    /// <summary><c>NativeCommandFailed</c> (OperationFailed).</summary>
    public const string NativeCommandFailed = nameof(NativeCommandFailed);

    /// <summary><c>NetNsCreateFailed</c> (OperationFailed).</summary>
    public const string NetNsCreateFailed = nameof(NetNsCreateFailed);

    /// <summary><c>NetNsExists</c> (ResourceExists).</summary>
    public const string NetNsExists = nameof(NetNsExists);

    /// <summary><c>NetNsListFailed</c> (OperationFailed).</summary>
    public const string NetNsListFailed = nameof(NetNsListFailed);

    /// <summary><c>NetNsNotFound</c> (ObjectNotFound).</summary>
    public const string NetNsNotFound = nameof(NetNsNotFound);

    /// <summary><c>NetNsProcessNotFound</c> (ObjectNotFound).</summary>
    public const string NetNsProcessNotFound = nameof(NetNsProcessNotFound);

    /// <summary><c>NetNsRemoveFailed</c> (OperationFailed).</summary>
    public const string NetNsRemoveFailed = nameof(NetNsRemoveFailed);

    /// <summary><c>NetlinkFailed</c> (OperationFailed).</summary>
    public const string NetlinkFailed = nameof(NetlinkFailed);

    /// <summary><c>NetlinkInvalidArgument</c> (InvalidArgument).</summary>
    public const string NetlinkInvalidArgument = nameof(NetlinkInvalidArgument);

    /// <summary><c>NetlinkNotSupported</c> (NotSupported).</summary>
    public const string NetlinkNotSupported = nameof(NetlinkNotSupported);

    /// <summary><c>NetlinkObjectExists</c> (ResourceExists).</summary>
    public const string NetlinkObjectExists = nameof(NetlinkObjectExists);

    /// <summary><c>NetlinkObjectNotFound</c> (ObjectNotFound).</summary>
    public const string NetlinkObjectNotFound = nameof(NetlinkObjectNotFound);

    /// <summary><c>NetlinkPermissionDenied</c> (PermissionDenied).</summary>
    public const string NetlinkPermissionDenied = nameof(NetlinkPermissionDenied);

    /// <summary><c>NetlinkTimeout</c> (OperationTimeout).</summary>
    public const string NetlinkTimeout = nameof(NetlinkTimeout);

    /// <summary><c>NftablesFailed</c> (OperationFailed).</summary>
    public const string NftablesFailed = nameof(NftablesFailed);

    /// <summary><c>NotLinux</c> (NotSupported).</summary>
    public const string NotLinux = nameof(NotLinux);

    /// <summary><c>NotRoot</c> (PermissionDenied).</summary>
    public const string NotRoot = nameof(NotRoot);

    /// <summary><c>OperationTimedOut</c> (OperationTimeout).</summary>
    public const string OperationTimedOut = nameof(OperationTimedOut);

    /// <summary><c>OutFileExists</c> (ResourceExists).</summary>
    public const string OutFileExists = nameof(OutFileExists);

    /// <summary><c>OutFileFailed</c> (OperationFailed).</summary>
    public const string OutFileFailed = nameof(OutFileFailed);

    /// <summary><c>OutFileInvalid</c> (InvalidArgument).</summary>
    public const string OutFileInvalid = nameof(OutFileInvalid);

    /// <summary><c>PathNotFound</c> (ObjectNotFound).</summary>
    public const string PathNotFound = nameof(PathNotFound);

    /// <summary><c>PrefixLengthConflict</c> (InvalidArgument).</summary>
    public const string PrefixLengthConflict = nameof(PrefixLengthConflict);

    /// <summary><c>ProcessStartFailed</c> (OperationFailed).</summary>
    public const string ProcessStartFailed = nameof(ProcessStartFailed);

    /// <summary><c>ProgramNotFound</c> (ObjectNotFound).</summary>
    public const string ProgramNotFound = nameof(ProgramNotFound);

    /// <summary><c>QlogOutInvalid</c> (InvalidArgument).</summary>
    public const string QlogOutInvalid = nameof(QlogOutInvalid);

    /// <summary><c>QlogUnreadable</c> (InvalidArgument).</summary>
    public const string QlogUnreadable = nameof(QlogUnreadable);

    /// <summary><c>RouteExists</c> (ResourceExists).</summary>
    public const string RouteExists = nameof(RouteExists);

    /// <summary><c>RouteFamilyMismatch</c> (InvalidArgument).</summary>
    public const string RouteFamilyMismatch = nameof(RouteFamilyMismatch);

    /// <summary><c>RouteNeedsNextHop</c> (InvalidArgument).</summary>
    public const string RouteNeedsNextHop = nameof(RouteNeedsNextHop);

    /// <summary><c>RouteNotFound</c> (ObjectNotFound).</summary>
    public const string RouteNotFound = nameof(RouteNotFound);

    /// <summary><c>RouteNotInstalled</c> (OperationFailed).</summary>
    public const string RouteNotInstalled = nameof(RouteNotInstalled);

    /// <summary><c>RouteSourceInvalid</c> (InvalidArgument).</summary>
    public const string RouteSourceInvalid = nameof(RouteSourceInvalid);

    /// <summary><c>SetNsFailed</c> (OperationFailed).</summary>
    public const string SetNsFailed = nameof(SetNsFailed);

    /// <summary><c>StateLockFailed</c> (OperationFailed).</summary>
    public const string StateLockFailed = nameof(StateLockFailed);

    /// <summary><c>StateLockTimeout</c> (OperationTimeout).</summary>
    public const string StateLockTimeout = nameof(StateLockTimeout);

    /// <summary><c>StateWriteFailed</c> (OperationFailed).</summary>
    public const string StateWriteFailed = nameof(StateWriteFailed);

    /// <summary><c>StreamFailed</c> (OperationFailed).</summary>
    public const string StreamFailed = nameof(StreamFailed);

    /// <summary><c>SysctlNotFound</c> (ObjectNotFound).</summary>
    public const string SysctlNotFound = nameof(SysctlNotFound);

    /// <summary><c>SysctlReadOnly</c> (PermissionDenied).</summary>
    public const string SysctlReadOnly = nameof(SysctlReadOnly);

    /// <summary><c>SysctlWriteFailed</c> (OperationFailed).</summary>
    public const string SysctlWriteFailed = nameof(SysctlWriteFailed);

    /// <summary><c>SysctlWriteOnly</c> (PermissionDenied).</summary>
    public const string SysctlWriteOnly = nameof(SysctlWriteOnly);

    /// <summary><c>TargetNamespaceAmbiguous</c> (InvalidArgument).</summary>
    public const string TargetNamespaceAmbiguous = nameof(TargetNamespaceAmbiguous);

    /// <summary><c>TargetNamespaceNotOnPath</c> (ObjectNotFound).</summary>
    public const string TargetNamespaceNotOnPath = nameof(TargetNamespaceNotOnPath);

    /// <summary><c>ToolFailed</c> (OperationFailed).</summary>
    public const string ToolFailed = nameof(ToolFailed);

    /// <summary><c>ToolNotInstalled</c> (NotInstalled).</summary>
    public const string ToolNotInstalled = nameof(ToolNotInstalled);

    /// <summary><c>ToolReportedExists</c> (ResourceExists).</summary>
    public const string ToolReportedExists = nameof(ToolReportedExists);

    /// <summary><c>ToolReportedInvalidArgument</c> (InvalidArgument).</summary>
    public const string ToolReportedInvalidArgument = nameof(ToolReportedInvalidArgument);

    /// <summary><c>ToolReportedNotFound</c> (ObjectNotFound).</summary>
    public const string ToolReportedNotFound = nameof(ToolReportedNotFound);

    /// <summary><c>ToolReportedPermissionDenied</c> (PermissionDenied).</summary>
    public const string ToolReportedPermissionDenied = nameof(ToolReportedPermissionDenied);

    /// <summary><c>ToolStartFailed</c> (OperationFailed).</summary>
    public const string ToolStartFailed = nameof(ToolStartFailed);

    /// <summary><c>TunDeviceFailed</c> (OperationFailed).</summary>
    public const string TunDeviceFailed = nameof(TunDeviceFailed);

    /// <summary><c>TunnelModeConflict</c> (InvalidOperation).</summary>
    public const string TunnelModeConflict = nameof(TunnelModeConflict);

    /// <summary><c>TunnelNotFound</c> (ObjectNotFound).</summary>
    public const string TunnelNotFound = nameof(TunnelNotFound);

    /// <summary><c>TunnelRelayFailed</c> (OperationFailed).</summary>
    public const string TunnelRelayFailed = nameof(TunnelRelayFailed);

    /// <summary><c>UnexpectedError</c> (OperationFailed).</summary>
    public const string UnexpectedError = nameof(UnexpectedError);

    /// <summary><c>VethSameName</c> (InvalidArgument).</summary>
    public const string VethSameName = nameof(VethSameName);
}

/// <summary>
/// One factory per error id: the id and its kind (hence its ErrorCategory) are fixed here, the message and the object
/// it concerns come from the caller. Nothing else constructs a <see cref="MigrationToolsException"/> (a test reads the
/// assemblies' IL for that).
/// </summary>
internal static class ErrorCatalog
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

    internal static MigrationToolsException AccessDenied(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.AccessDenied, FailureKind.PermissionDenied, message, target, inner);

    internal static MigrationToolsException AddressExists(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.AddressExists, FailureKind.ResourceExists, message, target, inner);

    internal static MigrationToolsException AddressNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.AddressNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException AgentMissing(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.AgentMissing, FailureKind.NotInstalled, message, target, inner);

    internal static MigrationToolsException CannotRemoveLoopback(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.CannotRemoveLoopback, FailureKind.InvalidOperation, message, target, inner);

    internal static MigrationToolsException CaptureFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.CaptureFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException CaptureNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.CaptureNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException CaptureUnreadable(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.CaptureUnreadable, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException CommandTimedOut(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.CommandTimedOut, FailureKind.OperationTimeout, message, target, inner);

    internal static MigrationToolsException CounterNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.CounterNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException CryptoUnavailable(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.CryptoUnavailable, FailureKind.NotInstalled, message, target, inner);

    internal static MigrationToolsException DetachedInput(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.DetachedInput, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException FlowBackendConflict(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.FlowBackendConflict, FailureKind.InvalidOperation, message, target, inner);

    internal static MigrationToolsException FlowBackendUnavailable(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.FlowBackendUnavailable, FailureKind.NotSupported, message, target, inner);

    internal static MigrationToolsException FlowMappingAmbiguous(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.FlowMappingAmbiguous, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException FlowMappingExists(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.FlowMappingExists, FailureKind.ResourceExists, message, target, inner);

    internal static MigrationToolsException FlowMappingNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.FlowMappingNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException FlowTargetFamilyMismatch(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.FlowTargetFamilyMismatch, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException FlowTargetIsVirtual(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.FlowTargetIsVirtual, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException FlowTargetNotInList(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.FlowTargetNotInList, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException FlowTargetsDuplicate(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.FlowTargetsDuplicate, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException FlowTargetsEmpty(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.FlowTargetsEmpty, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException FlowUnroutable(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.FlowUnroutable, FailureKind.InvalidOperation, message, target, inner);

    internal static MigrationToolsException GatewayUnreachable(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.GatewayUnreachable, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException IOFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.IOFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException InterfaceExists(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InterfaceExists, FailureKind.ResourceExists, message, target, inner);

    internal static MigrationToolsException InterfaceNameTaken(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InterfaceNameTaken, FailureKind.ResourceExists, message, target, inner);

    internal static MigrationToolsException InterfaceNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InterfaceNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException InvalidArgument(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidArgument, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidCommand(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidCommand, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidEnvironmentVariable(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidEnvironmentVariable, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidInterfaceName(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidInterfaceName, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidIpAddress(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidIpAddress, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidIpPrefix(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidIpPrefix, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidLabName(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidLabName, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidMetric(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidMetric, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidMtu(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidMtu, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidNetNsName(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidNetNsName, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidProtocol(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidProtocol, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidRoutePrefix(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidRoutePrefix, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidSysctlKey(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidSysctlKey, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidTunnelOption(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.InvalidTunnelOption, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException IpipAddressNotIPv4(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.IpipAddressNotIPv4, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException IpipKernelUnsupported(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.IpipKernelUnsupported, FailureKind.NotSupported, message, target, inner);

    internal static MigrationToolsException IpipLocalAddressNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.IpipLocalAddressNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException IptablesFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.IptablesFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException KeyLogUnreadable(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.KeyLogUnreadable, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException LabAddressNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabAddressNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException LabBusy(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabBusy, FailureKind.InvalidOperation, message, target, inner);

    internal static MigrationToolsException LabDamaged(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabDamaged, FailureKind.InvalidOperation, message, target, inner);

    internal static MigrationToolsException LabDrawingFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabDrawingFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException LabExists(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabExists, FailureKind.ResourceExists, message, target, inner);

    internal static MigrationToolsException LabFileInvalid(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabFileInvalid, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException LabFileNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabFileNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException LabNamespaceExists(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabNamespaceExists, FailureKind.ResourceExists, message, target, inner);

    internal static MigrationToolsException LabNodeNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabNodeNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException LabNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException LabRateFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabRateFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException LabRecordCorrupt(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabRecordCorrupt, FailureKind.InvalidData, message, target, inner);

    internal static MigrationToolsException LabRulesetFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabRulesetFailed, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException LabStateUnreadable(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabStateUnreadable, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException LabTemplateNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.LabTemplateNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException NativeCommandFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NativeCommandFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException NetNsCreateFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetNsCreateFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException NetNsExists(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetNsExists, FailureKind.ResourceExists, message, target, inner);

    internal static MigrationToolsException NetNsListFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetNsListFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException NetNsNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetNsNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException NetNsProcessNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetNsProcessNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException NetNsRemoveFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetNsRemoveFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException NetlinkFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetlinkFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException NetlinkInvalidArgument(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetlinkInvalidArgument, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException NetlinkNotSupported(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetlinkNotSupported, FailureKind.NotSupported, message, target, inner);

    internal static MigrationToolsException NetlinkObjectExists(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetlinkObjectExists, FailureKind.ResourceExists, message, target, inner);

    internal static MigrationToolsException NetlinkObjectNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetlinkObjectNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException NetlinkPermissionDenied(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetlinkPermissionDenied, FailureKind.PermissionDenied, message, target, inner);

    internal static MigrationToolsException NetlinkTimeout(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NetlinkTimeout, FailureKind.OperationTimeout, message, target, inner);

    internal static MigrationToolsException NftablesFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NftablesFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException NotLinux(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NotLinux, FailureKind.NotSupported, message, target, inner);

    internal static MigrationToolsException NotRoot(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.NotRoot, FailureKind.PermissionDenied, message, target, inner);

    internal static MigrationToolsException OperationTimedOut(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.OperationTimedOut, FailureKind.OperationTimeout, message, target, inner);

    internal static MigrationToolsException OutFileExists(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.OutFileExists, FailureKind.ResourceExists, message, target, inner);

    internal static MigrationToolsException OutFileFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.OutFileFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException OutFileInvalid(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.OutFileInvalid, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException PathNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.PathNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException PrefixLengthConflict(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.PrefixLengthConflict, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException ProcessStartFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.ProcessStartFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException ProgramNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.ProgramNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException QlogOutInvalid(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.QlogOutInvalid, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException QlogUnreadable(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.QlogUnreadable, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException RouteExists(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.RouteExists, FailureKind.ResourceExists, message, target, inner);

    internal static MigrationToolsException RouteFamilyMismatch(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.RouteFamilyMismatch, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException RouteNeedsNextHop(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.RouteNeedsNextHop, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException RouteNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.RouteNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException RouteNotInstalled(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.RouteNotInstalled, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException RouteSourceInvalid(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.RouteSourceInvalid, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException SetNsFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.SetNsFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException StateLockFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.StateLockFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException StateLockTimeout(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.StateLockTimeout, FailureKind.OperationTimeout, message, target, inner);

    internal static MigrationToolsException StateWriteFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.StateWriteFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException StreamFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.StreamFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException SysctlNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.SysctlNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException SysctlReadOnly(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.SysctlReadOnly, FailureKind.PermissionDenied, message, target, inner);

    internal static MigrationToolsException SysctlWriteFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.SysctlWriteFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException SysctlWriteOnly(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.SysctlWriteOnly, FailureKind.PermissionDenied, message, target, inner);

    internal static MigrationToolsException TargetNamespaceAmbiguous(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.TargetNamespaceAmbiguous, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException TargetNamespaceNotOnPath(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.TargetNamespaceNotOnPath, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException ToolFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.ToolFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException ToolNotInstalled(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.ToolNotInstalled, FailureKind.NotInstalled, message, target, inner);

    internal static MigrationToolsException ToolReportedExists(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.ToolReportedExists, FailureKind.ResourceExists, message, target, inner);

    internal static MigrationToolsException ToolReportedInvalidArgument(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.ToolReportedInvalidArgument, FailureKind.InvalidArgument, message, target, inner);

    internal static MigrationToolsException ToolReportedNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.ToolReportedNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException ToolReportedPermissionDenied(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.ToolReportedPermissionDenied, FailureKind.PermissionDenied, message, target, inner);

    internal static MigrationToolsException ToolStartFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.ToolStartFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException TunDeviceFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.TunDeviceFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException TunnelModeConflict(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.TunnelModeConflict, FailureKind.InvalidOperation, message, target, inner);

    internal static MigrationToolsException TunnelNotFound(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.TunnelNotFound, FailureKind.ObjectNotFound, message, target, inner);

    internal static MigrationToolsException TunnelRelayFailed(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.TunnelRelayFailed, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException UnexpectedError(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.UnexpectedError, FailureKind.OperationFailed, message, target, inner);

    internal static MigrationToolsException VethSameName(string message, object? target = null, Exception? inner = null) =>
        new(ErrorIds.VethSameName, FailureKind.InvalidArgument, message, target, inner);
}
