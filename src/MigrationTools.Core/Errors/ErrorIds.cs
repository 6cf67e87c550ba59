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

    /// <summary><c>LabHostUnreachable</c> (ConnectionFailed).</summary>
    public const string LabHostUnreachable = nameof(LabHostUnreachable);

    /// <summary><c>LabHostModuleMismatch</c> (NotInstalled).</summary>
    public const string LabHostModuleMismatch = nameof(LabHostModuleMismatch);

    /// <summary><c>LabHostFailed</c> (OperationFailed).</summary>
    public const string LabHostFailed = nameof(LabHostFailed);

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

    /// <summary><c>ImpairmentFailed</c> (OperationFailed).</summary>
    public const string ImpairmentFailed = nameof(ImpairmentFailed);

    /// <summary><c>ImpairmentNotFound</c> (ObjectNotFound).</summary>
    public const string ImpairmentNotFound = nameof(ImpairmentNotFound);

    /// <summary><c>KernelFeatureMissing</c> (NotSupported).</summary>
    public const string KernelFeatureMissing = nameof(KernelFeatureMissing);

    /// <summary><c>QuicImplementationInvalid</c> (InvalidArgument).</summary>
    public const string QuicImplementationInvalid = nameof(QuicImplementationInvalid);

    /// <summary><c>QuicImplementationNotFound</c> (ObjectNotFound).</summary>
    public const string QuicImplementationNotFound = nameof(QuicImplementationNotFound);

    /// <summary><c>QuicBuildFailed</c> (OperationFailed).</summary>
    public const string QuicBuildFailed = nameof(QuicBuildFailed);

    /// <summary><c>PipelineInputInvalid</c> (InvalidArgument).</summary>
    public const string PipelineInputInvalid = nameof(PipelineInputInvalid);

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
