using System;
using System.Collections.Generic;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// What the module keeps of a lab under /run/migrationtools/labs/NAME/lab.json, written before each stage of the build
/// (so a lab whose builder is killed can always be removed): its definition, prefix and namespaces, and who built it.
/// </summary>
internal sealed record LabState(
    string Name, string Prefix, string Source, LabDefinition Definition, DateTime Created, int ProcessId, long StartTicks,
    bool Complete, double BuildSeconds, IReadOnlyList<LabNamespace> Namespaces)
{
    /// <summary>
    /// For a lab with uplinks: the identity of the namespace it was built from (where the uplinks' far ends are), so
    /// that drift is read there only from that namespace.
    /// </summary>
    public string? HereIdentity { get; init; }

    /// <summary>
    /// For a lab across hosts: its whole definition (this record's Definition is the part on this machine, which may
    /// have no nodes). Each host's part is a lab of the same name on that host.
    /// </summary>
    public LabDefinition? Whole { get; init; }

    /// <summary>For a lab across hosts whose removal could not reach every host: the hosts whose parts remain.</summary>
    public IReadOnlyList<string>? RemainingHosts { get; init; }
}
