using System.Collections.Generic;
using MigrationTools.Engine.Flows;

namespace MigrationTools.Engine.Labs;

/// <summary>A virtual address of a lab node mapped to targets.</summary>
/// <param name="Node">The node whose traffic is translated.</param>
/// <param name="VirtualAddress">The virtual address.</param>
/// <param name="Targets">The targets; the first is current.</param>
/// <param name="Backend">nftables or iptables.</param>
internal sealed record LabFlowMapping(string Node, string VirtualAddress, IReadOnlyList<string> Targets, FlowBackend Backend);
