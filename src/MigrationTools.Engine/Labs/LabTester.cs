using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Reporting;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Processes;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// Checks a lab by pinging, from each node, the addresses of other nodes it should reach: an address is expected
/// when the pinging node has a connected subnet or a route for it and the owning node has one back for an address of
/// the pinging node (a round trip needs both ways); the ping goes out from that address.
/// </summary>
internal static partial class LabTester
{
    /// <summary>The (from, to, address) triples a lab should reach, limited to the given nodes when there are any.</summary>
    /// <remarks>Each comes with the source address to ping from: one of the pinging node's that the target can answer.</remarks>
    public static IReadOnlyList<(string From, string To, IPAddress Address, IPAddress Source)> Expected(LabDefinition lab, IReadOnlyCollection<string>? from = null, IReadOnlyCollection<string>? to = null)
    {
        var addresses = lab.Nodes.Keys.ToDictionary(n => n, n => NodeAddresses(lab, n), StringComparer.Ordinal);
        var result = new List<(string, string, IPAddress, IPAddress)>();
        foreach (var source in lab.Nodes.Keys.Order(StringComparer.Ordinal).Where(n => from is null || from.Count == 0 || from.Contains(n)))
        {
            foreach (var target in lab.Nodes.Keys.Order(StringComparer.Ordinal).Where(n => n != source && (to is null || to.Count == 0 || to.Contains(n))))
            {
                foreach (var address in addresses[target].Select(a => a.Address).Distinct())
                {
                    var back = addresses[source].FirstOrDefault(own => own.Family == IpPrefix.FamilyOf(address) && Routes(lab, target, own.Address));
                    if (Routes(lab, source, address) && back.Address is not null)
                    {
                        result.Add((source, target, address, back.Address));
                    }
                }
            }
        }

        // An uplink's far end: its node reaches it on the uplink's own subnet.
        foreach (var link in lab.Links.Where(l => l.IsUplink && (from is null || from.Count == 0 || from.Contains(l.A.Node)) && (to is null || to.Count == 0 || to.Contains(LabEndpoint.HostWord))))
        {
            foreach (var address in link.AddressesB.Select(a => IpPrefix.Parse(a)))
            {
                var source = link.AddressesA.Select(a => IpPrefix.Parse(a)).FirstOrDefault(a => a.Family == address.Family && Covers(a.Network, address.Address));
                if (source.Address is not null && !address.Address.IsIPv6LinkLocal)
                {
                    result.Add((link.A.Node, LabEndpoint.HostWord, address.Address, source.Address));
                }
            }
        }

        return result;
    }

    /// <summary>Pings every expected pair (in parallel) and returns one result each.</summary>
    public static IReadOnlyList<LabReachability> Test(NetLab lab, IReadOnlyCollection<string>? from, IReadOnlyCollection<string>? to, CancellationToken cancellationToken)
    {
        // -From names nodes; -To names nodes or addresses of them. A name that is neither is an error, not an empty test.
        var nodes = lab.Definition.Nodes.Keys.ToHashSet(StringComparer.Ordinal);
        var wantedAddresses = new HashSet<IPAddress>();
        var toNodes = new List<string>();
        foreach (var target in to ?? Array.Empty<string>())
        {
            if (IPAddress.TryParse(target, out var address))
            {
                var owner = nodes.FirstOrDefault(n => NodeAddresses(lab.Definition, n).Any(a => a.Address.Equals(address)))
                    ?? throw ErrorCatalog.LabAddressNotFound($"No node of lab '{lab.Name}' has the address {address}.", target);
                wantedAddresses.Add(address);
                toNodes.Add(owner);
            }
            else
            {
                toNodes.Add(target == LabEndpoint.HostWord && lab.Definition.Links.Any(l => l.IsUplink) ? target : EnsureNode(lab, nodes, target));
            }
        }

        foreach (var source in from ?? Array.Empty<string>())
        {
            EnsureNode(lab, nodes, source);
        }

        // A namespace of the lab that is gone makes the lab damaged: said as such, before any ping.
        var missing = lab.Namespaces.Where(n => NetNsIdentity.Of(NetNsPaths.MountPath(n.Value)) is null).ToArray();
        if (missing.Length > 0)
        {
            throw ErrorCatalog.LabDamaged($"Lab '{lab.Name}' is damaged: the namespace(s) {string.Join(", ", missing.Select(m => $"{m.Value} (node {m.Key})"))} no longer exist. Remove the lab (Remove-NetLab -Name {lab.Name}) and build it again.", lab.Name);
        }

        var pairs = Expected(lab.Definition, from, toNodes.Count == 0 ? null : toNodes)
            .Where(p => wantedAddresses.Count == 0 || wantedAddresses.Contains(p.Address) || (to ?? Array.Empty<string>()).Contains(p.To))
            .ToArray();
        var results = new LabReachability[pairs.Length];
        var done = 0;
        using var gate = new SemaphoreSlim(16);
        var tasks = pairs.Select(async (pair, i) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var run = await NetNsProcessManager.RunAsync(lab.NamespaceOf(pair.From), "ping", new[] { "-c", "1", "-W", "1", "-n", "-I", pair.Source.ToString(), pair.Address.ToString() }, cancellationToken).ConfigureAwait(false);
                var rtt = RoundTrip().Match(string.Join('\n', run.Output));
                results[i] = new LabReachability(lab.Name, pair.From, pair.To, pair.Address.ToString(), run.ExitCode == 0,
                    rtt.Success ? double.Parse(rtt.Groups[1].Value, CultureInfo.InvariantCulture) : null);
                EngineOutput.Progress($"Testing lab {lab.Name}", $"{Interlocked.Increment(ref done)} of {pairs.Length} pings", done * 100 / Math.Max(1, pairs.Length));
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        try
        {
            Task.WaitAll(tasks, cancellationToken);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            // One ping's failure is reported as itself (a MigrationToolsException, a cancellation), not wrapped.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }

        EngineOutput.Progress($"Testing lab {lab.Name}", "done", 100, completed: true);
        return results;
    }

    private static string EnsureNode(NetLab lab, HashSet<string> nodes, string node) =>
        nodes.Contains(node)
            ? node
            : throw ErrorCatalog.LabNodeNotFound($"Lab '{lab.Name}' has no node '{node}'; its nodes are {string.Join(", ", nodes.Order(StringComparer.Ordinal))}.", node);

    /// <summary>The addresses of a node that others can aim at: its links' and extra addresses (not loopback's own).</summary>
    internal static IReadOnlyList<IpPrefix> NodeAddresses(LabDefinition lab, string node) =>
        LinkAddresses(lab, node)
            .Concat(lab.Addresses.Where(a => a.Node == node).Select(a => a.Address))
            .Select(a => IpPrefix.Parse(a))
            .Where(p => !IPAddress.IsLoopback(p.Address) && !p.Address.IsIPv6LinkLocal)
            .ToArray();

    /// <summary>True when <paramref name="node"/> has a connected subnet or a route covering <paramref name="address"/>.</summary>
    internal static bool Routes(LabDefinition lab, string node, IPAddress address)
    {
        var family = IpPrefix.FamilyOf(address);
        var connected = LinkAddresses(lab, node).Select(a => IpPrefix.Parse(a));
        if (connected.Any(p => p.Family == family && Covers(p.Network, address)))
        {
            return true;
        }

        return lab.Nodes[node].Routes.Any(r =>
            r.Destination.Equals("default", StringComparison.OrdinalIgnoreCase)
                ? (r.IPv6 ? IpFamily.IPv6 : IpFamily.IPv4) == family
                : IpPrefix.TryParse(r.Destination, out var prefix) && prefix.Value.Family == family && Covers(prefix.Value, address));
    }

    /// <summary>The addresses of a node's own links: its veth ends (segment members included) and VXLAN interfaces.</summary>
    private static IEnumerable<string> LinkAddresses(LabDefinition lab, string node) =>
        lab.Wires.SelectMany(l => (l.A.Node == node ? l.AddressesA : Array.Empty<string>()).Concat(l.B.Node == node ? l.AddressesB : Array.Empty<string>()))
            .Concat(lab.Vxlans.Where(v => v.Node == node).SelectMany(v => v.Addresses));

    private static bool Covers(IpPrefix prefix, IPAddress address)
    {
        var network = prefix.Network.Address.GetAddressBytes();
        var bytes = address.GetAddressBytes();
        for (var bit = 0; bit < prefix.PrefixLength; bit++)
        {
            var mask = (byte)(0x80 >> (bit % 8));
            if ((network[bit / 8] & mask) != (bytes[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"time=([0-9.]+) ms")]
    private static partial Regex RoundTrip();
}
