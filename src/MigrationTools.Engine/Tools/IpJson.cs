using System.Collections.Generic;
using System.Net;
using System.Text.Json;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Routing;

namespace MigrationTools.Engine.Tools;

/// <summary>Parses iproute2's <c>-json</c> output into the module's objects.</summary>
public static class IpJson
{
    /// <summary>Parses <c>ip -json netns list</c>: names with their ids.</summary>
    public static IReadOnlyList<(string Name, int? Id)> ParseNetNsList(string json)
    {
        var result = new List<(string, int?)>();
        foreach (var item in EnumerateArray(json))
        {
            var name = item.GetProperty("name").GetString();
            if (name is null)
            {
                continue;
            }

            int? id = item.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.Number ? idElement.GetInt32() : null;
            result.Add((name, id));
        }

        return result;
    }

    /// <summary>Parses <c>ip -details -json address show</c> (or <c>link show</c>) into interfaces with their addresses.</summary>
    public static IReadOnlyList<NetInterface> ParseInterfaces(string @namespace, string json)
    {
        var result = new List<NetInterface>();
        foreach (var item in EnumerateArray(json))
        {
            var name = item.GetProperty("ifname").GetString() ?? string.Empty;
            var flags = new List<string>();
            if (item.TryGetProperty("flags", out var flagArray) && flagArray.ValueKind == JsonValueKind.Array)
            {
                foreach (var flag in flagArray.EnumerateArray())
                {
                    flags.Add(flag.GetString() ?? string.Empty);
                }
            }

            var kind = item.TryGetProperty("linkinfo", out var linkInfo) && linkInfo.TryGetProperty("info_kind", out var infoKind)
                ? infoKind.GetString() ?? "unknown"
                : StringOr(item, "link_type", "unknown");
            if (kind == "none" && flags.Contains("POINTOPOINT"))
            {
                kind = "tun";
            }

            var addresses = new List<IpPrefix>();
            if (item.TryGetProperty("addr_info", out var addrInfo) && addrInfo.ValueKind == JsonValueKind.Array)
            {
                foreach (var address in addrInfo.EnumerateArray())
                {
                    if (address.TryGetProperty("local", out var local) && IPAddress.TryParse(local.GetString(), out var ip))
                    {
                        addresses.Add(new IpPrefix(ip, address.GetProperty("prefixlen").GetInt32()));
                    }
                }
            }

            result.Add(new NetInterface(
                @namespace,
                name,
                item.GetProperty("ifindex").GetInt32(),
                kind,
                StringOr(item, "operstate", "UNKNOWN"),
                item.TryGetProperty("mtu", out var mtu) ? mtu.GetInt32() : 0,
                item.TryGetProperty("address", out var mac) ? mac.GetString() : null,
                flags,
                addresses));
        }

        return result;
    }

    /// <summary>Parses <c>ip -json address show</c> into one object per address.</summary>
    public static IReadOnlyList<NetAddress> ParseAddresses(string @namespace, string json)
    {
        var result = new List<NetAddress>();
        foreach (var item in EnumerateArray(json))
        {
            var name = item.GetProperty("ifname").GetString() ?? string.Empty;
            if (!item.TryGetProperty("addr_info", out var addrInfo) || addrInfo.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var address in addrInfo.EnumerateArray())
            {
                if (address.TryGetProperty("local", out var local) && IPAddress.TryParse(local.GetString(), out var ip))
                {
                    result.Add(new NetAddress(@namespace, name, new IpPrefix(ip, address.GetProperty("prefixlen").GetInt32()), StringOr(address, "scope", "global")));
                }
            }
        }

        return result;
    }

    /// <summary>Parses <c>ip -json route show</c> for one family.</summary>
    public static IReadOnlyList<NetRoute> ParseRoutes(string @namespace, IpFamily family, string json)
    {
        var result = new List<NetRoute>();
        foreach (var item in EnumerateArray(json))
        {
            var destination = StringOr(item, "dst", "default");
            result.Add(new NetRoute(
                @namespace,
                NormalizeDestination(destination, family),
                family,
                ParseIp(item, "gateway"),
                item.TryGetProperty("dev", out var dev) ? dev.GetString() : null,
                item.TryGetProperty("metric", out var metric) && metric.ValueKind == JsonValueKind.Number ? metric.GetInt32() : null,
                item.TryGetProperty("protocol", out var protocol) ? protocol.GetString() : null,
                item.TryGetProperty("scope", out var scope) ? scope.GetString() : null,
                ParseIp(item, "prefsrc"),
                StringOr(item, "type", "unicast")));
        }

        return result;
    }

    /// <summary>Host routes print without a prefix length; give every destination one so they compare.</summary>
    internal static string NormalizeDestination(string destination, IpFamily family)
    {
        if (destination == "default")
        {
            return destination;
        }

        return destination.Contains('/') ? destination : $"{destination}/{(family == IpFamily.IPv4 ? 32 : 128)}";
    }

    private static IPAddress? ParseIp(JsonElement item, string property) =>
        item.TryGetProperty(property, out var value) && IPAddress.TryParse(value.GetString(), out var ip) ? ip : null;

    private static string StringOr(JsonElement item, string property, string fallback) =>
        item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? fallback : fallback;

    private static IEnumerable<JsonElement> EnumerateArray(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            yield break;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new MigrationToolsException("UnexpectedToolOutput", FailureKind.OperationFailed, $"iproute2 printed output that is not JSON: {ex.Message}", null, ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                yield break;
            }

            foreach (var item in document.RootElement.EnumerateArray())
            {
                yield return item.Clone();
            }
        }
    }
}
