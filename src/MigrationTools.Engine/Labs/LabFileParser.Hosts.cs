using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Labs;

/// <summary>The keys of labs across hosts: Hosts, a node's Host, Vxlan (the links' settings) and Vxlans (interfaces).</summary>
internal static partial class LabFileParser
{
    private static readonly string[] HostKeys = { "HostName", "UserName", "KeyFilePath", "Port", "Options", "Address" };
    private static readonly string[] VxlanSettingKeys = { "Port", "BaseVni", "Address" };
    private static readonly string[] VxlanKeys = { "Node", "Interface", "Vni", "Local", "Remote", "Port", "Mtu", "Addresses", "RateMbit" };

    /// <summary>Hosts = @{ east = @{ HostName = '10.199.0.2'; UserName = 'root'; KeyFilePath = '...'; Port = 22; Options = @{ ... }; Address = '...' } }.</summary>
    private static Dictionary<string, LabHost> Hosts(Reader reader, IDictionary data, string source)
    {
        var hosts = new Dictionary<string, LabHost>(StringComparer.Ordinal);
        var hostsData = reader.Dictionary(data, "Hosts", string.Empty);
        if (hostsData is null)
        {
            return hosts;
        }

        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(source)) ?? System.IO.Directory.GetCurrentDirectory();
        foreach (DictionaryEntry entry in hostsData)
        {
            var name = entry.Key?.ToString() ?? string.Empty;
            var path = $"Hosts.{name}";
            if (name.Length == 0 || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')))
            {
                throw reader.Fail(path, $"'{name}' cannot be a host name: use letters, digits, '-', '_' and '.'");
            }

            var item = entry.Value as IDictionary ?? (entry.Value is null ? new Hashtable() : throw reader.Fail(path, "a host is a hashtable (@{ HostName = ... })"));
            reader.KnownKeys(item, HostKeys, path);
            var hostName = reader.OptionalString(item, "HostName", path);
            var address = reader.OptionalString(item, "Address", path);
            if (address is not null && !System.Net.IPAddress.TryParse(address, out _))
            {
                throw reader.Fail(path + ".Address", $"'{address}' is not an IP address (the host's underlay address, without a prefix length)");
            }

            address ??= hostName is not null && System.Net.IPAddress.TryParse(hostName, out var parsed) ? parsed.ToString() : null;
            var key = reader.OptionalString(item, "KeyFilePath", path);
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry option in reader.Dictionary(item, "Options", path) ?? new Hashtable())
            {
                options[option.Key?.ToString() ?? string.Empty] = option.Value switch
                {
                    string text => text,
                    bool flag => flag ? "yes" : "no",
                    int or long => Convert.ToString(option.Value, CultureInfo.InvariantCulture)!,
                    _ => throw reader.Fail($"{path}.Options.{option.Key}", "expected a string, a number or a boolean"),
                };
            }

            hosts[name] = new LabHost(name, hostName, reader.OptionalString(item, "UserName", path), key is null ? null : System.IO.Path.GetFullPath(key, folder),
                reader.OptionalInt(item, "Port", path, 1, 65535), options, address);
        }

        return hosts;
    }

    /// <summary>A node's Host key: one of the lab's hosts.</summary>
    private static string? NodeHost(Reader reader, IDictionary node, string path, IReadOnlyDictionary<string, LabHost> hosts)
    {
        var host = reader.OptionalString(node, "Host", path);
        return host is null || hosts.ContainsKey(host)
            ? host
            : throw reader.Fail(path + ".Host", hosts.Count == 0 ? $"there is no host '{host}': the lab has no Hosts section" : $"there is no host '{host}' (hosts: {string.Join(", ", hosts.Keys.Order(StringComparer.Ordinal))})");
    }

    /// <summary>Vxlans = @( @{ Node; Interface; Vni; Local; Remote; Port; Mtu; Addresses; RateMbit } ).</summary>
    private static IReadOnlyList<LabVxlan> Vxlans(Reader reader, IDictionary data, IReadOnlyDictionary<string, LabNode> nodes, IReadOnlyList<LabSegment> segments,
        Dictionary<string, HashSet<string>> interfaces, Dictionary<string, List<IpPrefix>> nodeAddresses)
    {
        var result = new List<LabVxlan>();
        foreach (var (item, path) in reader.Items(data, "Vxlans", string.Empty))
        {
            reader.KnownKeys(item, VxlanKeys, path);
            var node = reader.RequiredString(item, "Node", path);
            var segment = segments.FirstOrDefault(s => s.Name == node);
            if (!nodes.ContainsKey(node) && segment is null)
            {
                throw reader.Fail(path + ".Node", $"there is no node or segment '{node}'");
            }

            var @interface = reader.RequiredString(item, "Interface", path);
            if (segment is not null)
            {
                if (segment.PortNames.Contains(@interface) || segment.BridgeName == @interface)
                {
                    throw reader.Fail(path + ".Interface", $"segment '{node}' already has an interface '{@interface}'");
                }
            }
            else
            {
                reader.NewInterface(node, @interface, path + ".Interface", interfaces);
            }

            var local = reader.RequiredString(item, "Local", path);
            if (!System.Net.IPAddress.TryParse(local, out var localIp) || local.Contains('/'))
            {
                throw reader.Fail(path + ".Local", $"'{local}' is not an IP address (the underlay address the interface sends from)");
            }

            var remotes = reader.StringList(item, "Remote", path);
            foreach (var remote in remotes)
            {
                if (!System.Net.IPAddress.TryParse(remote, out var ip) || remote.Contains('/') || ip.AddressFamily != localIp.AddressFamily)
                {
                    throw reader.Fail(path + ".Remote", $"'{remote}' is not an underlay address of the family of Local ({local})");
                }
            }

            var addresses = TryGetList(reader, item, "Addresses", path);
            if (segment is not null && addresses.Count > 0)
            {
                throw reader.Fail(path + ".Addresses", "a segment's VXLAN port is a bridge port: it has no addresses");
            }

            foreach (var address in addresses)
            {
                AddNodeAddress(reader, nodeAddresses, node, reader.Prefix(address, path + ".Addresses"), path + ".Addresses");
            }

            result.Add(new LabVxlan(node, @interface, reader.OptionalInt(item, "Vni", path, 0, 16_777_215) ?? throw reader.Fail(path + ".Vni", "a value is needed"),
                local, remotes, reader.OptionalInt(item, "Port", path, 1, 65535) ?? 4789, reader.OptionalInt(item, "Mtu", path, 68, 65535) ?? 1450, addresses,
                reader.OptionalInt(item, "RateMbit", path, 1, 100_000)));
        }

        return result;
    }

    private static IReadOnlyList<string> TryGetList(Reader reader, IDictionary item, string key, string path) =>
        Validation.DataReader.Has(item, key) ? reader.StringList(item, key, path) : Array.Empty<string>();
}
