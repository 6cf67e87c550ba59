using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Flows;
using MigrationTools.Engine.Routing;
using MigrationTools.Engine.Tunnels;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// Reads a lab file's data (hashtables, arrays, strings, numbers and booleans, as a PowerShell data file holds them)
/// into a <see cref="LabDefinition"/>, checking everything before anything is built: unknown keys and nodes, duplicate
/// interfaces, malformed addresses and prefixes, routes whose gateway is of another family than their destination,
/// interface names the kernel refuses. Every problem is a <c>LabFileInvalid</c> error that names its key path, such as
/// <c>Links[1].Endpoints</c>.
/// </summary>
internal static partial class LabFileParser
{
    private static readonly string[] TopKeys = { "Name", "Description", "Nodes", "Links", "Addresses", "Tunnels", "FlowMappings", "Captures", "Segments", "Hosts", "Vxlan", "Vxlans" };
    private static readonly string[] CaptureKeys = { "Node", "Interface", "Path", "Filter" };
    private static readonly string[] NodeKeys = { "Forwarding", "Sysctls", "Routes", "Nftables", "Host" };
    private static readonly string[] RouteKeys = { "Destination", "Gateway", "Interface", "Metric", "Family" };
    private static readonly string[] ImpairmentKeys = { "DelayMs", "JitterMs", "LossPercent", "DuplicatePercent", "ReorderPercent" };
    private static readonly string[] LinkKeys = { "Endpoints", "Addresses", "Mtu", "RateMbit", "Impairments", "DelayMs", "JitterMs", "LossPercent", "DuplicatePercent", "ReorderPercent" };
    private static readonly string[] SegmentKeys = { "Members", "Addresses", "Mtu", "RateMbit" };
    private static readonly string[] AddressKeys = { "Node", "Interface", "Address" };
    private static readonly string[] TunnelKeys = { "Node", "Name", "Local", "Remote", "Mode", "Ttl", "Mtu" };
    private static readonly string[] MappingKeys = { "Node", "VirtualAddress", "Target", "Backend" };

    /// <summary>Reads and checks <paramref name="data"/>; <paramref name="source"/> names it in errors (a file path).</summary>
    public static LabDefinition Parse(IDictionary data, string source, string? defaultName = null)
    {
        var reader = new Reader(source);
        reader.KnownKeys(data, TopKeys, string.Empty);
        var name = reader.OptionalString(data, "Name", string.Empty) ?? defaultName ?? "lab";
        var hosts = Hosts(reader, data, source);
        var nodesData = reader.Dictionary(data, "Nodes", string.Empty) ?? throw reader.Fail("Nodes", "a lab needs at least one node (Nodes = @{ name = @{} })");
        var nodes = new Dictionary<string, LabNode>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in nodesData)
        {
            var nodeName = entry.Key?.ToString() ?? string.Empty;
            var path = $"Nodes.{nodeName}";
            if (NameValidator.NamespaceNameProblem(nodeName) is { } problem)
            {
                throw reader.Fail(path, $"'{nodeName}' cannot be a node name: {problem}");
            }

            var node = entry.Value as IDictionary ?? (entry.Value is null ? new Hashtable() : throw reader.Fail(path, "a node is a hashtable (@{ ... })"));
            reader.KnownKeys(node, NodeKeys, path);
            nodes[nodeName] = new LabNode(nodeName, reader.OptionalBool(node, "Forwarding", path) ?? false,
                reader.Sysctls(node, path), Array.Empty<LabRoute>(), CheckRuleset(reader, reader.OptionalString(node, "Nftables", path), path))
            {
                Host = NodeHost(reader, node, path, hosts),
            };
        }

        if (nodes.Count == 0)
        {
            throw reader.Fail("Nodes", "a lab needs at least one node");
        }

        var interfaces = nodes.Keys.ToDictionary(n => n, _ => new HashSet<string>(StringComparer.Ordinal) { "lo" }, StringComparer.Ordinal);
        var nodeAddresses = nodes.Keys.ToDictionary(n => n, _ => new List<IpPrefix>(), StringComparer.Ordinal);
        var links = new List<LabLink>();
        foreach (var (item, path) in reader.Items(data, "Links", string.Empty))
        {
            reader.KnownKeys(item, LinkKeys, path);
            var endpoints = reader.StringList(item, "Endpoints", path);
            if (endpoints.Count != 2)
            {
                throw reader.Fail(path + ".Endpoints", "a link has two endpoints, 'node:interface', 'node:interface'");
            }

            var ends = endpoints.Select((text, i) => reader.Endpoint(text, $"{path}.Endpoints[{i}]", nodes, interfaces, hostAllowed: true)).ToArray();
            var addresses = reader.EndpointAddresses(item, path);
            for (var i = 0; i < 2; i++)
            {
                foreach (var address in addresses[i].Where(_ => !ends[i].IsHere))
                {
                    AddNodeAddress(reader, nodeAddresses, ends[i].Node, IpPrefix.Parse(address), path + ".Addresses");
                }
            }

            var mtu = reader.OptionalInt(item, "Mtu", path, 68, 65535);
            var rate = reader.OptionalInt(item, "RateMbit", path, 1, 100_000);
            var impairments = reader.LinkImpairments(item, path);
            var link = new LabLink(ends[0], ends[1], addresses[0], addresses[1], mtu, rate) { ImpairmentA = impairments[0], ImpairmentB = impairments[1] };
            if (link.IsUplink)
            {
                link = Uplink(reader, link, path);
            }

            links.Add(link);
        }

        foreach (var (link, index) in links.Select((l, i) => (l, i)).Where(x => x.l.B.OnHost is not null && !hosts.ContainsKey(x.l.B.OnHost!)))
        {
            throw reader.Fail($"Links[{index}].Endpoints", $"'{link.B}': there is no host '{link.B.OnHost}'{(hosts.Count == 0 ? " (the lab has no Hosts section; 'host:NAME' is the namespace the lab is built from)" : $" (hosts: {string.Join(", ", hosts.Keys.Order(StringComparer.Ordinal))})")}");
        }

        var segments = Segments(reader, data, nodes, interfaces, nodeAddresses);
        var vxlans = Vxlans(reader, data, nodes, segments, interfaces, nodeAddresses);
        var tunnels = new List<LabTunnel>();
        foreach (var (item, path) in reader.Items(data, "Tunnels", string.Empty))
        {
            reader.KnownKeys(item, TunnelKeys, path);
            var node = reader.Node(item, path, nodes);
            var tunnelName = reader.RequiredString(item, "Name", path);
            reader.NewInterface(node, tunnelName, path + ".Name", interfaces);
            var local = reader.Address(item, "Local", path, IpFamily.IPv4);
            var remote = reader.Address(item, "Remote", path, IpFamily.IPv4);
            var modeText = reader.OptionalString(item, "Mode", path) ?? "Auto";
            if (!Enum.TryParse<TunnelMode>(modeText, ignoreCase: true, out var mode))
            {
                throw reader.Fail(path + ".Mode", $"'{modeText}' is not a tunnel mode (Auto, Kernel or Userspace)");
            }

            tunnels.Add(new LabTunnel(node, tunnelName, local, remote, mode, reader.OptionalInt(item, "Ttl", path, 0, 255) ?? 0, reader.OptionalInt(item, "Mtu", path, 68, 65515)));
        }

        var extra = new List<LabAddress>();
        foreach (var (item, path) in reader.Items(data, "Addresses", string.Empty))
        {
            reader.KnownKeys(item, AddressKeys, path);
            var node = reader.Node(item, path, nodes);
            var @interface = reader.RequiredString(item, "Interface", path);
            if (!interfaces[node].Contains(@interface))
            {
                throw reader.Fail(path + ".Interface", $"node '{node}' has no interface '{@interface}' (its interfaces: {string.Join(", ", interfaces[node].Order(StringComparer.Ordinal))})");
            }

            var address = reader.RequiredString(item, "Address", path);
            AddNodeAddress(reader, nodeAddresses, node, reader.Prefix(address, path + ".Address"), path + ".Address");
            extra.Add(new LabAddress(node, @interface, address));
        }

        foreach (var tunnel in tunnels)
        {
            if (!nodeAddresses[tunnel.Node].Any(a => a.Address.ToString() == tunnel.Local))
            {
                var index = tunnels.IndexOf(tunnel);
                throw reader.Fail($"Tunnels[{index}].Local", $"{tunnel.Local} is not an address of node '{tunnel.Node}'; a tunnel starts from one of the node's addresses");
            }
        }

        // Routes are read last: they may use the links' and tunnels' interfaces.
        foreach (var node in nodes.Values.ToArray())
        {
            var nodeData = (IDictionary?)nodesData[node.Name] ?? new Hashtable();
            var routes = reader.Items(nodeData, "Routes", $"Nodes.{node.Name}").Select(r => reader.Route(r.Item, r.Path, interfaces[node.Name])).ToArray();
            nodes[node.Name] = node with { Routes = routes };
        }

        var mappings = new List<LabFlowMapping>();
        foreach (var (item, path) in reader.Items(data, "FlowMappings", string.Empty))
        {
            reader.KnownKeys(item, MappingKeys, path);
            var node = reader.Node(item, path, nodes);
            var vip = reader.RequiredString(item, "VirtualAddress", path);
            var targets = reader.StringList(item, "Target", path);
            reader.Guard(path, () => FlowManager.Validate(vip, targets));
            var backendText = reader.OptionalString(item, "Backend", path) ?? "Nftables";
            if (!Enum.TryParse<FlowBackend>(backendText, ignoreCase: true, out var backend))
            {
                throw reader.Fail(path + ".Backend", $"'{backendText}' is not a flow backend (Nftables or Iptables)");
            }

            mappings.Add(new LabFlowMapping(node, vip, targets, backend));
        }

        var captures = new List<LabCapture>();
        foreach (var (item, path) in reader.Items(data, "Captures", string.Empty))
        {
            reader.KnownKeys(item, CaptureKeys, path);
            var node = reader.Node(item, path, nodes);
            var file = reader.OptionalString(item, "Path", path) ?? throw reader.Fail(path + ".Path", "a capture needs the file it writes (.pcapng or .pcap)");
            if (!file.EndsWith(".pcapng", StringComparison.OrdinalIgnoreCase) && !file.EndsWith(".pcap", StringComparison.OrdinalIgnoreCase))
            {
                throw reader.Fail(path + ".Path", "a capture file ends in .pcapng or .pcap");
            }

            var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(source)) ?? System.IO.Directory.GetCurrentDirectory();
            captures.Add(new LabCapture(node, reader.OptionalString(item, "Interface", path), System.IO.Path.GetFullPath(file, folder), reader.OptionalString(item, "Filter", path)));
        }

        var vxlan = reader.Dictionary(data, "Vxlan", string.Empty) ?? new Hashtable();
        reader.KnownKeys(vxlan, VxlanSettingKeys, "Vxlan");
        var vxlanAddress = reader.OptionalString(vxlan, "Address", "Vxlan");
        if (vxlanAddress is not null && (!System.Net.IPAddress.TryParse(vxlanAddress, out _) || vxlanAddress.Contains('/')))
        {
            throw reader.Fail("Vxlan.Address", $"'{vxlanAddress}' is not an IP address (this machine's underlay address)");
        }

        var lab = new LabDefinition(name, reader.OptionalString(data, "Description", string.Empty), nodes, links, extra, tunnels, mappings)
        {
            Captures = captures,
            Segments = segments,
            Hosts = hosts,
            Vxlans = vxlans,
            VxlanPort = reader.OptionalInt(vxlan, "Port", "Vxlan", 1, 65535) ?? 4789,
            VxlanBaseVni = reader.OptionalInt(vxlan, "BaseVni", "Vxlan", 1, 16_000_000),
            VxlanAddress = vxlanAddress,
        };

        // A lab across hosts is split here already, so that what cannot be split (a host without an underlay
        // address, an uplink from another host) is refused before anything is built.
        if (lab.SpansHosts)
        {
            LabPartition.Split(lab, (key, problem) => reader.Fail(key, problem));
        }

        return lab;
    }

    /// <summary>Checks that every node's namespace name is valid and that interface names fit, once a prefix is known.</summary>
    public static void CheckPrefix(LabDefinition lab, string prefix, string source)
    {
        foreach (var node in lab.NamespaceNodes)
        {
            if (NameValidator.NamespaceNameProblem(prefix + node) is { } problem)
            {
                throw ErrorCatalog.LabFileInvalid($"{source}: {(lab.Nodes.ContainsKey(node) ? "Nodes" : "Segments")}.{node}: with the prefix '{prefix}' the namespace name '{prefix + node}' is not valid: {problem}.", prefix + node);
            }
        }
    }

    /// <summary>Reads values with their key paths, failing with <c>LabFileInvalid</c>.</summary>
    private sealed partial class Reader(string source) : DataReader((path, problem) => ErrorCatalog.LabFileInvalid($"{source}: {path}: {problem}.", path))
    {
        public void Guard(string path, Action check)
        {
            try
            {
                check();
            }
            catch (MigrationToolsException ex) when (ex.ErrorId != ErrorIds.LabFileInvalid)
            {
                throw Fail(path, ex.Message.TrimEnd('.'));
            }
        }

        public IReadOnlyDictionary<string, string> Sysctls(IDictionary node, string path)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            var data = Dictionary(node, "Sysctls", path);
            if (data is null)
            {
                return result;
            }

            foreach (DictionaryEntry entry in data)
            {
                var key = entry.Key?.ToString() ?? string.Empty;
                Guard($"{path}.Sysctls.{key}", () => Namespaces.NetNsSysctl.PathOf(key));
                result[key] = entry.Value switch
                {
                    string text => text,
                    int or long or byte or short => Convert.ToString(entry.Value, CultureInfo.InvariantCulture)!,
                    bool flag => flag ? "1" : "0",
                    _ => throw Fail($"{path}.Sysctls.{key}", "expected a number or a string"),
                };
            }

            return result;
        }

        public string Node(IDictionary item, string path, IReadOnlyDictionary<string, LabNode> nodes)
        {
            var node = RequiredString(item, "Node", path);
            return nodes.ContainsKey(node) ? node : throw Fail(path + ".Node", $"there is no node '{node}' (nodes: {string.Join(", ", nodes.Keys.Order(StringComparer.Ordinal))})");
        }

        public LabEndpoint Endpoint(string text, string path, IReadOnlyDictionary<string, LabNode> nodes, Dictionary<string, HashSet<string>> interfaces, bool hostAllowed)
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || colon == text.Length - 1)
            {
                throw Fail(path, $"'{text}' is not 'node:interface'");
            }

            var node = text[..colon];
            var @interface = text[(colon + 1)..];
            var onHost = node.StartsWith(LabEndpoint.HostWord + "@", StringComparison.Ordinal) && !nodes.ContainsKey(node) ? node[(LabEndpoint.HostWord.Length + 1)..] : null;
            if ((node == LabEndpoint.HostWord || onHost is { Length: > 0 }) && !nodes.ContainsKey(node))
            {
                if (!hostAllowed)
                {
                    throw Fail(path, $"'{text}': a segment's members are interfaces of nodes; reach the namespace the lab is built from with a link to 'host:NAME' from one of them");
                }

                if (NameValidator.InterfaceNameProblem(@interface) is { } invalid)
                {
                    throw Fail(path, $"'{@interface}' cannot be an interface name: {invalid}");
                }

                // One set of names per namespace that uplinks end in: this machine's, and each host's own.
                var names = interfaces.TryGetValue("@" + onHost, out var set) ? set : interfaces["@" + onHost] = new HashSet<string>(StringComparer.Ordinal);
                return names.Add(@interface) ? LabEndpoint.Here(@interface, onHost) : throw Fail(path, $"the uplink interface '{@interface}' is given twice");
            }

            if (!nodes.ContainsKey(node))
            {
                throw Fail(path, $"there is no node '{node}' (nodes: {string.Join(", ", nodes.Keys.Order(StringComparer.Ordinal))})");
            }

            NewInterface(node, @interface, path, interfaces);
            return new LabEndpoint(node, @interface);
        }

        public void NewInterface(string node, string @interface, string path, Dictionary<string, HashSet<string>> interfaces)
        {
            if (NameValidator.InterfaceNameProblem(@interface) is { } problem)
            {
                throw Fail(path, $"'{@interface}' cannot be an interface name: {problem}");
            }

            if (!interfaces[node].Add(@interface))
            {
                throw Fail(path, $"node '{node}' already has an interface '{@interface}'");
            }
        }

        /// <summary>Addresses = one entry per endpoint, in order; each a string or an array of strings.</summary>
        public IReadOnlyList<string>[] EndpointAddresses(IDictionary item, string path)
        {
            var result = new IReadOnlyList<string>[] { Array.Empty<string>(), Array.Empty<string>() };
            if (!TryGet(item, "Addresses", out var value) || value is null)
            {
                return result;
            }

            var entries = value is string ? new[] { value } : value as IEnumerable is { } items ? items.Cast<object?>().ToArray() : throw Fail(path + ".Addresses", "expected one entry per endpoint");
            if (entries.Length > 2)
            {
                throw Fail(path + ".Addresses", "a link has two endpoints: give one entry (a string or an array) for each");
            }

            for (var i = 0; i < entries.Length; i++)
            {
                var list = entries[i] is null ? Array.Empty<string>() : Strings(entries[i]!, $"{path}.Addresses[{i}]");
                for (var j = 0; j < list.Count; j++)
                {
                    Prefix(list[j], $"{path}.Addresses[{i}]");
                }

                result[i] = list;
            }

            return result;
        }

        public IpPrefix Prefix(string text, string path)
        {
            if (!IpPrefix.TryParse(text, out var prefix) || !text.Contains('/'))
            {
                throw Fail(path, $"'{text}' is not an address with a prefix length (e.g. 10.0.0.1/24 or fd00::1/64)");
            }

            return prefix.Value;
        }

        public string Address(IDictionary item, string key, string path, IpFamily family)
        {
            var text = RequiredString(item, key, path);
            if (!IpPrefix.TryParse(text, out var prefix) || text.Contains('/') || prefix.Value.Family != family)
            {
                throw Fail(At(path, key), $"'{text}' is not an {family} address");
            }

            return text;
        }

        public LabRoute Route(IDictionary item, string path, HashSet<string> interfaces)
        {
            KnownKeys(item, RouteKeys, path);
            var destination = RequiredString(item, "Destination", path);
            var gateway = OptionalString(item, "Gateway", path);
            var @interface = OptionalString(item, "Interface", path);
            var metric = OptionalInt(item, "Metric", path, 0, int.MaxValue);
            var familyText = OptionalString(item, "Family", path);
            IpFamily? family = familyText is null ? null : Enum.TryParse<IpFamily>(familyText, ignoreCase: true, out var f) ? f : throw Fail(path + ".Family", $"'{familyText}' is not IPv4 or IPv6");
            if (@interface is not null && !interfaces.Contains(@interface))
            {
                throw Fail(path + ".Interface", $"the node has no interface '{@interface}' (its interfaces: {string.Join(", ", interfaces.Order(StringComparer.Ordinal))})");
            }

            RouteSpec spec = null!;
            Guard(path, () => spec = RouteSpec.Create(destination, gateway, @interface, metric, null, family));
            return new LabRoute(destination, gateway, @interface, metric, spec.Family == IpFamily.IPv6);
        }
    }

    /// <summary>One address on one node: the kernel refuses the same address twice in a namespace, so the file does too.</summary>
    private static void AddNodeAddress(Reader reader, Dictionary<string, List<IpPrefix>> nodeAddresses, string node, IpPrefix prefix, string path)
    {
        if (nodeAddresses[node].Any(a => a.Address.Equals(prefix.Address)))
        {
            throw reader.Fail(path, $"the address {prefix.Address} is given twice on node '{node}'; a namespace holds an address once");
        }

        nodeAddresses[node].Add(prefix);
    }

    /// <summary>
    /// A lab's nftables rules are its own text: an <c>include</c> would make nft read a file of the host (and echo its
    /// lines in an error), so it is refused; the message never shows what such a file holds.
    /// </summary>
    private static string? CheckRuleset(Reader reader, string? ruleset, string path)
    {
        if (ruleset is not null && IncludeDirective().IsMatch(ruleset))
        {
            throw reader.Fail(path + ".Nftables", "'include' is not allowed in a lab's nftables rules: a lab file cannot read files of the host; write the rules themselves");
        }

        return ruleset;
    }

    [System.Text.RegularExpressions.GeneratedRegex("(^|[;{])\\s*include\\s+\"", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex IncludeDirective();
}
