using System;
using System.Collections.Generic;
using System.Linq;

namespace MigrationTools.Engine.Labs;

/// <summary>A lab the module built on this machine.</summary>
public sealed class NetLab
{
    internal NetLab(LabState state, LabStatus status, IReadOnlyList<LabDifference>? differences = null, IReadOnlyDictionary<string, string>? hosts = null)
    {
        Differences = (differences ?? Array.Empty<LabDifference>()).Select(d => d.ToString()).ToArray();
        Name = state.Name;
        Prefix = state.Prefix;
        // A lab across hosts is as well as its worst part.
        Status = hosts?.Values.Append(status.ToString()).OrderBy(Severity).Last() ?? status.ToString();
        Source = state.Source;
        Definition = state.Whole ?? state.Definition;
        Local = state.Definition;
        Hosts = hosts ?? new Dictionary<string, string>();
        Created = state.Created;
        BuildSeconds = Math.Round(state.BuildSeconds, 3);
        Namespaces = state.Namespaces.ToDictionary(n => n.Node, n => n.Name, StringComparer.Ordinal);
    }

    /// <summary>The lab's name (what Get-NetLab and Remove-NetLab take).</summary>
    public string Name { get; }
    /// <summary>The prefix of its namespace names.</summary>
    public string Prefix { get; }
    /// <summary>
    /// Building, Complete, Incomplete (its builder ended before it was done) or Damaged (namespaces gone): a
    /// <see cref="LabStatus"/> name, so that exports (ConvertTo-Json, CSV) carry the word.
    /// </summary>
    public string Status { get; }
    /// <summary>What differs from the lab's file when it is Drifted or Damaged, one line each (Get-NetLab -Detailed gives them as objects).</summary>
    public IReadOnlyList<string> Differences { get; }

    /// <summary>The lab file or shipped template it was built from.</summary>
    public string Source { get; }
    /// <summary>What it is made of (the module's; users see it as Nodes, Links, Tunnels and FlowMappings, plain data).</summary>
    internal LabDefinition Definition { get; }
    /// <summary>The part of a lab across hosts on this machine (the whole lab for a lab on one machine).</summary>
    internal LabDefinition Local { get; }
    /// <summary>For a lab across hosts: each host's part's status (Complete, Incomplete, Drifted, Damaged, Missing or Unreachable).</summary>
    public IReadOnlyDictionary<string, string> Hosts { get; }
    /// <summary>When it was built (UTC).</summary>
    public DateTime Created { get; }
    /// <summary>How long the build took, in seconds.</summary>
    public double BuildSeconds { get; }
    /// <summary>Each node's (and segment's) namespace.</summary>
    public IReadOnlyDictionary<string, string> Namespaces { get; }
    /// <summary>The nodes.</summary>
    public IReadOnlyList<string> Nodes => Definition.Nodes.Keys.Order(StringComparer.Ordinal).ToArray();
    /// <summary>The links, as node:interface pairs.</summary>
    public IReadOnlyList<string> Links => Definition.Links.Select(l => $"{l.A} <-> {l.B}").ToArray();
    /// <summary>The LAN segments, as name: member, member, ...</summary>
    public IReadOnlyList<string> Segments => Definition.Segments.Select(s => $"{s.Name}: {string.Join(", ", s.Members)}").ToArray();
    /// <summary>The tunnels, as node:name local -> remote.</summary>
    public IReadOnlyList<string> Tunnels => Definition.Tunnels.Select(t => $"{t.Node}:{t.Name} {t.Local} -> {t.Remote}").ToArray();
    /// <summary>The flow mappings, as node: virtual -> targets.</summary>
    public IReadOnlyList<string> FlowMappings => Definition.FlowMappings.Select(m => $"{m.Node}: {m.VirtualAddress} -> {string.Join(" | ", m.Targets)}").ToArray();

    private static int Severity(string status) => Array.IndexOf(new[] { "Complete", "Building", "Drifted", "Missing", "Incomplete", "Damaged", "Unreachable" }, status);

    /// <summary>The namespace of node <paramref name="node"/>.</summary>
    public string NamespaceOf(string node) => Namespaces.TryGetValue(node, out var name) ? name : Prefix + node;

    /// <inheritdoc />
    public override string ToString() => Name;
}
