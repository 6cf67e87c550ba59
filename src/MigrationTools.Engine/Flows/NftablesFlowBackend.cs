using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.Flows;

/// <summary>
/// Mappings in the module's own nftables table, <c>inet migrationtools</c>: a map per family, looked up by
/// DNAT rules in a nat output chain (traffic the namespace sends) and a nat prerouting chain (traffic it
/// forwards). Set-up goes through <c>nft</c>; switching replaces a map element over netlink in one transaction.
/// Other tables of the namespace are never touched.
/// </summary>
internal sealed class NftablesFlowBackend : IFlowBackend
{
    internal const string Table = "migrationtools";
    internal const string Map4 = "flows4";
    internal const string Map6 = "flows6";

    // Priority -100 is dstnat; written as a number because older nft versions reject the name in inet output chains.
    internal static readonly string TableDefinition = string.Join('\n',
        "table inet migrationtools {",
        "  map flows4 { type ipv4_addr : ipv4_addr; }",
        "  map flows6 { type ipv6_addr : ipv6_addr; }",
        "  chain output {",
        "    type nat hook output priority -100; policy accept;",
        "    dnat ip to ip daddr map @flows4",
        "    dnat ip6 to ip6 daddr map @flows6",
        "  }",
        "  chain prerouting {",
        "    type nat hook prerouting priority -100; policy accept;",
        "    dnat ip to ip daddr map @flows4",
        "    dnat ip6 to ip6 daddr map @flows6",
        "  }",
        "}",
        string.Empty);

    public bool UsesNetlink => true;

    internal static string MapOf(IPAddress address) => IpPrefix.FamilyOf(address) == IpFamily.IPv4 ? Map4 : Map6;

    public void Add(string @namespace, IPAddress virtualAddress, IPAddress target)
    {
        var created = false;
        if (!TableExists(@namespace))
        {
            Nft(@namespace, new[] { "-f", "-" }, TableDefinition, "create the table inet migrationtools");
            created = true;
        }

        try
        {
            Nft(@namespace, new[] { "add", "element", "inet", Table, MapOf(virtualAddress), "{", $"{virtualAddress} : {target}", "}" }, null, "add the mapping");
        }
        catch when (created)
        {
            Nft(@namespace, new[] { "delete", "table", "inet", Table }, null, "remove the table inet migrationtools", throwOnError: false);
            throw;
        }
    }

    public void Remove(string @namespace, IPAddress virtualAddress, bool lastMapping)
    {
        if (!TableExists(@namespace))
        {
            return;
        }

        if (lastMapping)
        {
            Nft(@namespace, new[] { "delete", "table", "inet", Table }, null, "remove the table inet migrationtools");
        }
        else
        {
            Nft(@namespace, new[] { "delete", "element", "inet", Table, MapOf(virtualAddress), "{", virtualAddress.ToString(), "}" }, null, "remove the mapping", throwOnError: false);
        }
    }

    public IPAddress? ReadCurrent(string @namespace, NetlinkSocket? socket, IPAddress virtualAddress)
    {
        var key = virtualAddress.GetAddressBytes();
        try
        {
            foreach (var (elementKey, value) in ReadElements(socket!, Table, MapOf(virtualAddress)))
            {
                if (elementKey.AsSpan().SequenceEqual(key))
                {
                    return new IPAddress(value);
                }
            }
        }
        catch (MigrationToolsException ex) when (ex.Kind == FailureKind.ObjectNotFound)
        {
            return null;
        }

        return null;
    }

    public void Replace(string @namespace, NetlinkSocket? socket, IPAddress virtualAddress, IPAddress newTarget) =>
        ReplaceElement(socket!, Table, MapOf(virtualAddress), virtualAddress.GetAddressBytes(), newTarget.GetAddressBytes());

    /// <summary>Every key and value of map <paramref name="set"/> in table <paramref name="table"/> (family inet).</summary>
    private static List<(byte[] Key, byte[] Value)> ReadElements(NetlinkSocket socket, string table, string set)
    {
        Span<byte> request = stackalloc byte[256];
        var writer = new NetlinkWriter(request);
        var sequence = socket.NextSequence();
        NfTablesMap.WriteGetRequest(ref writer, sequence, table, set);
        var result = new List<(byte[], byte[])>();
        socket.Dump(writer.Written, sequence, message => NfTablesMap.DecodeElements(message, result), $"read the map {table}/{set}");
        return result;
    }

    /// <summary>Atomically replaces the value of <paramref name="key"/> (which must exist) with <paramref name="value"/>.</summary>
    private static void ReplaceElement(NetlinkSocket socket, string table, string set, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Span<byte> request = stackalloc byte[512];
        var writer = new NetlinkWriter(request);
        var first = socket.NextSequence();
        var last = NfTablesMap.WriteReplaceBatch(ref writer, first, table, set, key, value);
        socket.AdvanceSequence(last);
        // BATCH_END is not acknowledged; the last acknowledged message is the NEWSETELEM before it.
        var ack = socket.Execute(writer.Written, first, last - 1, $"replace an element of the map {table}/{set}");
        if (!ack.Succeeded)
        {
            throw ack.Error == Errno.ENOENT
                ? ErrorCatalog.FlowMappingNotFound($"The map {table}/{set} or its element is gone (removed outside MigrationTools?).")
                : NetlinkSocket.Failure($"replace an element of the map {table}/{set}", ack);
        }
    }

    internal static bool TableExists(string @namespace) =>
        NetNsTool.TryRun(@namespace, "nft", new[] { "list", "table", "inet", Table }).Succeeded;

    private static void Nft(string @namespace, IReadOnlyList<string> arguments, string? input, string what, bool throwOnError = true)
    {
        var result = NetNsTool.TryRun(@namespace, "nft", arguments, input);
        if (!result.Succeeded && throwOnError)
        {
            var message = result.StandardError.Trim();
            var unsupported = message.Contains("Operation not supported", StringComparison.Ordinal) || message.Contains("No such file or directory", StringComparison.Ordinal) && arguments.Contains("-f");
            throw ErrorCatalog.Create(unsupported ? ErrorIds.FlowBackendUnavailable : ErrorIds.NftablesFailed,
                $"Could not {what} in '{@namespace}': {message}" + (unsupported ? " The kernel lacks nf_tables NAT support; try -Backend Iptables." : string.Empty), @namespace);
        }
    }
}
