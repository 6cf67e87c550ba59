using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Labs;

/// <summary>The Segments key of lab files (LAN segments) and uplinks (links to <c>host:NAME</c>).</summary>
internal static partial class LabFileParser
{
    /// <summary>
    /// Segments = @{ lan1 = @{ Members = 'a:eth1', 'b:eth1'; Addresses = @{ a = '10.80.0.1/24' }; Mtu = 1500; RateMbit = 100 } }:
    /// each member a new interface of its node; addresses keyed by node (or 'node:interface' when a node has two
    /// members), checked as links' are, and no address twice on one segment.
    /// </summary>
    private static IReadOnlyList<LabSegment> Segments(Reader reader, IDictionary data, IReadOnlyDictionary<string, LabNode> nodes,
        Dictionary<string, HashSet<string>> interfaces, Dictionary<string, List<IpPrefix>> nodeAddresses)
    {
        var segmentsData = reader.Dictionary(data, "Segments", string.Empty);
        if (segmentsData is null)
        {
            return Array.Empty<LabSegment>();
        }

        var segments = new List<LabSegment>();
        foreach (DictionaryEntry entry in segmentsData)
        {
            var name = entry.Key?.ToString() ?? string.Empty;
            var path = $"Segments.{name}";
            if (NameValidator.NamespaceNameProblem(name) is { } problem)
            {
                throw reader.Fail(path, $"'{name}' cannot be a segment name: {problem}");
            }

            if (nodes.ContainsKey(name))
            {
                throw reader.Fail(path, $"'{name}' is a node's name too; a segment has a namespace of its own, so its name differs from every node's");
            }

            var item = entry.Value as IDictionary ?? throw reader.Fail(path, "a segment is a hashtable (@{ Members = 'node:interface', ... })");
            reader.KnownKeys(item, SegmentKeys, path);
            var memberTexts = reader.StringList(item, "Members", path);
            if (memberTexts.Count == 0)
            {
                throw reader.Fail(path + ".Members", "a segment needs at least one member ('node:interface')");
            }

            var members = memberTexts.Select((text, i) => reader.Endpoint(text, $"{path}.Members[{i}]", nodes, interfaces, hostAllowed: false)).ToArray();
            var addresses = reader.MemberAddresses(item, path, members);
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < members.Length; i++)
            {
                foreach (var address in addresses[i])
                {
                    var prefix = IpPrefix.Parse(address);
                    if (seen.TryGetValue(prefix.Address.ToString(), out var other))
                    {
                        throw reader.Fail($"{path}.Addresses", $"the address {prefix.Address} is given to {other} and {members[i]}; on one segment an address is one member's");
                    }

                    seen[prefix.Address.ToString()] = members[i].ToString();
                    AddNodeAddress(reader, nodeAddresses, members[i].Node, prefix, $"{path}.Addresses");
                }
            }

            segments.Add(new LabSegment(name, members, addresses, reader.OptionalInt(item, "Mtu", path, 68, 65535), reader.OptionalInt(item, "RateMbit", path, 1, 100_000)));
        }

        return segments;
    }

    /// <summary>
    /// An uplink with its end in the namespace the lab is built from second: that end is not the lab's to shape, so
    /// rates and impairments are refused; only one end can be there.
    /// </summary>
    private static LabLink Uplink(Reader reader, LabLink link, string path)
    {
        if (link.A.IsHere && link.B.IsHere)
        {
            throw reader.Fail(path + ".Endpoints", "an uplink joins a node to the namespace the lab is built from: one end is 'host:NAME', the other 'node:interface'");
        }

        if (link.RateMbit is not null || link.ImpairmentA is not null || link.ImpairmentB is not null)
        {
            throw reader.Fail(path, "an uplink has no rate limit or impairments: its far end is in the namespace the lab is built from, which the lab does not shape; put them on a link inside the lab");
        }

        return link.A.IsHere ? link with { A = link.B, B = link.A, AddressesA = link.AddressesB, AddressesB = link.AddressesA } : link;
    }

    private sealed partial class Reader
    {
        /// <summary>Addresses = @{ node = 'prefix' or @('prefix', ...) }, keyed by a member's node or by 'node:interface'.</summary>
        public IReadOnlyList<string>[] MemberAddresses(IDictionary item, string path, IReadOnlyList<LabEndpoint> members)
        {
            var result = members.Select(_ => (IReadOnlyList<string>)Array.Empty<string>()).ToArray();
            var data = Dictionary(item, "Addresses", path);
            if (data is null)
            {
                return result;
            }

            // In key order: a member keyed both ways is reported at the same key whatever the hashtable's order.
            foreach (var entry in data.Cast<DictionaryEntry>().OrderBy(e => e.Key?.ToString(), StringComparer.Ordinal))
            {
                var key = entry.Key?.ToString() ?? string.Empty;
                var keyPath = $"{path}.Addresses.{key}";
                var matches = Enumerable.Range(0, members.Count).Where(i => members[i].ToString() == key || members[i].Node == key).ToArray();
                if (matches.Length == 0)
                {
                    throw Fail(keyPath, $"'{key}' is not a member of the segment (members: {string.Join(", ", members)})");
                }

                if (matches.Length > 1)
                {
                    throw Fail(keyPath, $"node '{key}' has {matches.Length} members on the segment; key its addresses by 'node:interface'");
                }

                if (result[matches[0]].Count > 0)
                {
                    throw Fail(keyPath, $"the addresses of {members[matches[0]]} are given twice");
                }

                var list = entry.Value is null ? Array.Empty<string>() : Strings(entry.Value, keyPath);
                foreach (var address in list)
                {
                    Prefix(address, keyPath);
                }

                result[matches[0]] = list;
            }

            return result;
        }
    }
}
