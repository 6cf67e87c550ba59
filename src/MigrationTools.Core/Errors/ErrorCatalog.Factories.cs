using System;

namespace MigrationTools.Core.Errors;

/// <summary>One factory per id, so a call site names its error by a method; the kind comes from <see cref="KindOf"/>.</summary>
internal static partial class ErrorCatalog
{
    internal static MigrationToolsException AccessDenied(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.AccessDenied, message, target, inner);

    internal static MigrationToolsException AddressExists(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.AddressExists, message, target, inner);

    internal static MigrationToolsException AddressNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.AddressNotFound, message, target, inner);

    internal static MigrationToolsException AgentMissing(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.AgentMissing, message, target, inner);

    internal static MigrationToolsException CannotRemoveLoopback(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.CannotRemoveLoopback, message, target, inner);

    internal static MigrationToolsException CaptureFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.CaptureFailed, message, target, inner);

    internal static MigrationToolsException CaptureNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.CaptureNotFound, message, target, inner);

    internal static MigrationToolsException CaptureUnreadable(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.CaptureUnreadable, message, target, inner);

    internal static MigrationToolsException CommandTimedOut(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.CommandTimedOut, message, target, inner);

    internal static MigrationToolsException CounterNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.CounterNotFound, message, target, inner);

    internal static MigrationToolsException CryptoUnavailable(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.CryptoUnavailable, message, target, inner);

    internal static MigrationToolsException DetachedInput(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.DetachedInput, message, target, inner);

    internal static MigrationToolsException FlowBackendConflict(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.FlowBackendConflict, message, target, inner);

    internal static MigrationToolsException FlowBackendUnavailable(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.FlowBackendUnavailable, message, target, inner);

    internal static MigrationToolsException FlowMappingAmbiguous(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.FlowMappingAmbiguous, message, target, inner);

    internal static MigrationToolsException FlowMappingExists(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.FlowMappingExists, message, target, inner);

    internal static MigrationToolsException FlowMappingNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.FlowMappingNotFound, message, target, inner);

    internal static MigrationToolsException FlowTargetFamilyMismatch(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.FlowTargetFamilyMismatch, message, target, inner);

    internal static MigrationToolsException FlowTargetIsVirtual(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.FlowTargetIsVirtual, message, target, inner);

    internal static MigrationToolsException FlowTargetNotInList(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.FlowTargetNotInList, message, target, inner);

    internal static MigrationToolsException FlowTargetsDuplicate(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.FlowTargetsDuplicate, message, target, inner);

    internal static MigrationToolsException FlowTargetsEmpty(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.FlowTargetsEmpty, message, target, inner);

    internal static MigrationToolsException FlowUnroutable(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.FlowUnroutable, message, target, inner);

    internal static MigrationToolsException GatewayUnreachable(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.GatewayUnreachable, message, target, inner);

    internal static MigrationToolsException IOFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.IOFailed, message, target, inner);

    internal static MigrationToolsException InterfaceExists(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InterfaceExists, message, target, inner);

    internal static MigrationToolsException InterfaceNameTaken(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InterfaceNameTaken, message, target, inner);

    internal static MigrationToolsException InterfaceNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InterfaceNotFound, message, target, inner);

    internal static MigrationToolsException InvalidArgument(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidArgument, message, target, inner);

    internal static MigrationToolsException InvalidCommand(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidCommand, message, target, inner);

    internal static MigrationToolsException InvalidEnvironmentVariable(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidEnvironmentVariable, message, target, inner);

    internal static MigrationToolsException InvalidInterfaceName(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidInterfaceName, message, target, inner);

    internal static MigrationToolsException InvalidIpAddress(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidIpAddress, message, target, inner);

    internal static MigrationToolsException InvalidIpPrefix(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidIpPrefix, message, target, inner);

    internal static MigrationToolsException InvalidLabName(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidLabName, message, target, inner);

    internal static MigrationToolsException InvalidMetric(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidMetric, message, target, inner);

    internal static MigrationToolsException InvalidMtu(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidMtu, message, target, inner);

    internal static MigrationToolsException InvalidNetNsName(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidNetNsName, message, target, inner);

    internal static MigrationToolsException InvalidProtocol(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidProtocol, message, target, inner);

    internal static MigrationToolsException InvalidRoutePrefix(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidRoutePrefix, message, target, inner);

    internal static MigrationToolsException InvalidSysctlKey(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidSysctlKey, message, target, inner);

    internal static MigrationToolsException InvalidTunnelOption(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.InvalidTunnelOption, message, target, inner);

    internal static MigrationToolsException IpipAddressNotIPv4(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.IpipAddressNotIPv4, message, target, inner);

    internal static MigrationToolsException IpipKernelUnsupported(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.IpipKernelUnsupported, message, target, inner);

    internal static MigrationToolsException IpipLocalAddressNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.IpipLocalAddressNotFound, message, target, inner);

    internal static MigrationToolsException IptablesFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.IptablesFailed, message, target, inner);

    internal static MigrationToolsException KeyLogUnreadable(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.KeyLogUnreadable, message, target, inner);

    internal static MigrationToolsException LabAddressNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabAddressNotFound, message, target, inner);

    internal static MigrationToolsException LabBusy(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabBusy, message, target, inner);

    internal static MigrationToolsException LabHostUnreachable(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabHostUnreachable, message, target, inner);

    internal static MigrationToolsException LabHostModuleMismatch(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabHostModuleMismatch, message, target, inner);

    internal static MigrationToolsException LabHostFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabHostFailed, message, target, inner);

    internal static MigrationToolsException LabDamaged(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabDamaged, message, target, inner);

    internal static MigrationToolsException LabDrawingFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabDrawingFailed, message, target, inner);

    internal static MigrationToolsException LabExists(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabExists, message, target, inner);

    internal static MigrationToolsException LabFileInvalid(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabFileInvalid, message, target, inner);

    internal static MigrationToolsException LabFileNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabFileNotFound, message, target, inner);

    internal static MigrationToolsException LabNamespaceExists(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabNamespaceExists, message, target, inner);

    internal static MigrationToolsException LabNodeNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabNodeNotFound, message, target, inner);

    internal static MigrationToolsException LabNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabNotFound, message, target, inner);

    internal static MigrationToolsException LabRateFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabRateFailed, message, target, inner);

    internal static MigrationToolsException LabRecordCorrupt(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabRecordCorrupt, message, target, inner);

    internal static MigrationToolsException LabRulesetFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabRulesetFailed, message, target, inner);

    internal static MigrationToolsException LabStateUnreadable(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabStateUnreadable, message, target, inner);

    internal static MigrationToolsException LabTemplateNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.LabTemplateNotFound, message, target, inner);

    internal static MigrationToolsException NativeCommandFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NativeCommandFailed, message, target, inner);

    internal static MigrationToolsException NetNsCreateFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetNsCreateFailed, message, target, inner);

    internal static MigrationToolsException NetNsExists(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetNsExists, message, target, inner);

    internal static MigrationToolsException NetNsListFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetNsListFailed, message, target, inner);

    internal static MigrationToolsException NetNsNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetNsNotFound, message, target, inner);

    internal static MigrationToolsException NetNsProcessNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetNsProcessNotFound, message, target, inner);

    internal static MigrationToolsException NetNsRemoveFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetNsRemoveFailed, message, target, inner);

    internal static MigrationToolsException NetlinkFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetlinkFailed, message, target, inner);

    internal static MigrationToolsException NetlinkInvalidArgument(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetlinkInvalidArgument, message, target, inner);

    internal static MigrationToolsException NetlinkNotSupported(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetlinkNotSupported, message, target, inner);

    internal static MigrationToolsException NetlinkObjectExists(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetlinkObjectExists, message, target, inner);

    internal static MigrationToolsException NetlinkObjectNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetlinkObjectNotFound, message, target, inner);

    internal static MigrationToolsException NetlinkPermissionDenied(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetlinkPermissionDenied, message, target, inner);

    internal static MigrationToolsException NetlinkTimeout(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NetlinkTimeout, message, target, inner);

    internal static MigrationToolsException NftablesFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NftablesFailed, message, target, inner);

    internal static MigrationToolsException NotLinux(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NotLinux, message, target, inner);

    internal static MigrationToolsException NotRoot(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.NotRoot, message, target, inner);

    internal static MigrationToolsException OperationTimedOut(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.OperationTimedOut, message, target, inner);

    internal static MigrationToolsException OutFileExists(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.OutFileExists, message, target, inner);

    internal static MigrationToolsException OutFileFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.OutFileFailed, message, target, inner);

    internal static MigrationToolsException OutFileInvalid(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.OutFileInvalid, message, target, inner);

    internal static MigrationToolsException ImpairmentFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.ImpairmentFailed, message, target, inner);

    internal static MigrationToolsException ImpairmentNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.ImpairmentNotFound, message, target, inner);

    internal static MigrationToolsException KernelFeatureMissing(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.KernelFeatureMissing, message, target, inner);

    internal static MigrationToolsException QuicImplementationInvalid(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.QuicImplementationInvalid, message, target, inner);

    internal static MigrationToolsException QuicImplementationNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.QuicImplementationNotFound, message, target, inner);

    internal static MigrationToolsException QuicBuildFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.QuicBuildFailed, message, target, inner);

    internal static MigrationToolsException PipelineInputInvalid(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.PipelineInputInvalid, message, target, inner);

    internal static MigrationToolsException PathNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.PathNotFound, message, target, inner);

    internal static MigrationToolsException PrefixLengthConflict(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.PrefixLengthConflict, message, target, inner);

    internal static MigrationToolsException ProcessStartFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.ProcessStartFailed, message, target, inner);

    internal static MigrationToolsException ProgramNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.ProgramNotFound, message, target, inner);

    internal static MigrationToolsException QlogOutInvalid(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.QlogOutInvalid, message, target, inner);

    internal static MigrationToolsException QlogUnreadable(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.QlogUnreadable, message, target, inner);

    internal static MigrationToolsException RouteExists(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.RouteExists, message, target, inner);

    internal static MigrationToolsException RouteFamilyMismatch(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.RouteFamilyMismatch, message, target, inner);

    internal static MigrationToolsException RouteNeedsNextHop(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.RouteNeedsNextHop, message, target, inner);

    internal static MigrationToolsException RouteNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.RouteNotFound, message, target, inner);

    internal static MigrationToolsException RouteNotInstalled(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.RouteNotInstalled, message, target, inner);

    internal static MigrationToolsException RouteSourceInvalid(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.RouteSourceInvalid, message, target, inner);

    internal static MigrationToolsException SetNsFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.SetNsFailed, message, target, inner);

    internal static MigrationToolsException StateLockFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.StateLockFailed, message, target, inner);

    internal static MigrationToolsException StateLockTimeout(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.StateLockTimeout, message, target, inner);

    internal static MigrationToolsException StateWriteFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.StateWriteFailed, message, target, inner);

    internal static MigrationToolsException StreamFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.StreamFailed, message, target, inner);

    internal static MigrationToolsException SysctlNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.SysctlNotFound, message, target, inner);

    internal static MigrationToolsException SysctlReadOnly(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.SysctlReadOnly, message, target, inner);

    internal static MigrationToolsException SysctlWriteFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.SysctlWriteFailed, message, target, inner);

    internal static MigrationToolsException SysctlWriteOnly(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.SysctlWriteOnly, message, target, inner);

    internal static MigrationToolsException TargetNamespaceAmbiguous(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.TargetNamespaceAmbiguous, message, target, inner);

    internal static MigrationToolsException TargetNamespaceNotOnPath(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.TargetNamespaceNotOnPath, message, target, inner);

    internal static MigrationToolsException ToolFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.ToolFailed, message, target, inner);

    internal static MigrationToolsException ToolNotInstalled(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.ToolNotInstalled, message, target, inner);

    internal static MigrationToolsException ToolReportedExists(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.ToolReportedExists, message, target, inner);

    internal static MigrationToolsException ToolReportedInvalidArgument(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.ToolReportedInvalidArgument, message, target, inner);

    internal static MigrationToolsException ToolReportedNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.ToolReportedNotFound, message, target, inner);

    internal static MigrationToolsException ToolReportedPermissionDenied(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.ToolReportedPermissionDenied, message, target, inner);

    internal static MigrationToolsException ToolStartFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.ToolStartFailed, message, target, inner);

    internal static MigrationToolsException TunDeviceFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.TunDeviceFailed, message, target, inner);

    internal static MigrationToolsException TunnelModeConflict(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.TunnelModeConflict, message, target, inner);

    internal static MigrationToolsException TunnelNotFound(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.TunnelNotFound, message, target, inner);

    internal static MigrationToolsException TunnelRelayFailed(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.TunnelRelayFailed, message, target, inner);

    internal static MigrationToolsException UnexpectedError(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.UnexpectedError, message, target, inner);

    internal static MigrationToolsException VethSameName(string message, object? target = null, Exception? inner = null) =>
        Create(ErrorIds.VethSameName, message, target, inner);
}
