using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.Flows;

/// <summary>
/// Mappings as DNAT rules in the module's own chain <c>MIGRATIONTOOLS</c> of the nat table, jumped to from
/// OUTPUT and PREROUTING, as the origin's run.sh did with ip6tables. A switch is <c>-R</c> (replace the rule in
/// place, one atomic change). Rules outside the module's chain are never touched.
/// </summary>
internal sealed class IptablesFlowBackend : IFlowBackend
{
    internal const string Chain = "MIGRATIONTOOLS";
    private static readonly string[] HookChains = { "OUTPUT", "PREROUTING" };

    public bool UsesNetlink => false;

    private static string ToolFor(IPAddress address) => IpPrefix.FamilyOf(address) == IpFamily.IPv4 ? "iptables" : "ip6tables";

    private static string HostPrefix(IPAddress address) => $"{address}/{(IpPrefix.FamilyOf(address) == IpFamily.IPv4 ? 32 : 128)}";

    private static string[] RuleSpec(IPAddress virtualAddress, IPAddress target) => new[]
    {
        "-d", HostPrefix(virtualAddress), "-m", "comment", "--comment", "migrationtools flow " + virtualAddress,
        "-j", "DNAT", "--to-destination", target.ToString(),
    };

    public void Add(string @namespace, IPAddress virtualAddress, IPAddress target)
    {
        var tool = ToolFor(virtualAddress);
        if (!Run(@namespace, tool, new[] { "-S", Chain }, throwOnError: false).Succeeded)
        {
            Run(@namespace, tool, new[] { "-N", Chain });
        }

        foreach (var hook in HookChains)
        {
            if (!Run(@namespace, tool, new[] { "-C", hook, "-j", Chain }, throwOnError: false).Succeeded)
            {
                Run(@namespace, tool, new[] { "-I", hook, "1", "-j", Chain });
            }
        }

        Run(@namespace, tool, new[] { "-A", Chain }.Concat(RuleSpec(virtualAddress, target)).ToArray());
    }

    public void Remove(string @namespace, IPAddress virtualAddress, bool lastMapping)
    {
        var tool = ToolFor(virtualAddress);
        var (number, _) = FindRule(@namespace, virtualAddress);
        if (number is not null)
        {
            Run(@namespace, tool, new[] { "-D", Chain, number.Value.ToString(CultureInfo.InvariantCulture) });
        }

        if (ListRules(@namespace, tool).Count == 0)
        {
            foreach (var hook in HookChains)
            {
                while (Run(@namespace, tool, new[] { "-D", hook, "-j", Chain }, throwOnError: false).Succeeded)
                {
                }
            }

            Run(@namespace, tool, new[] { "-X", Chain }, throwOnError: false);
        }
    }

    public IPAddress? ReadCurrent(string @namespace, NetlinkSocket? socket, IPAddress virtualAddress) => FindRule(@namespace, virtualAddress).Target;

    public void Replace(string @namespace, NetlinkSocket? socket, IPAddress virtualAddress, IPAddress newTarget)
    {
        var (number, _) = FindRule(@namespace, virtualAddress);
        if (number is null)
        {
            throw ErrorCatalog.FlowMappingNotFound($"The DNAT rule for {virtualAddress} is gone from chain {Chain} in '{@namespace}'.", virtualAddress.ToString());
        }

        Run(@namespace, ToolFor(virtualAddress), new[] { "-R", Chain, number.Value.ToString(CultureInfo.InvariantCulture) }.Concat(RuleSpec(virtualAddress, newTarget)).ToArray());
    }

    /// <summary>The 1-based rule number and target of the mapping's rule, parsed from <c>-S</c>.</summary>
    private static (int? Number, IPAddress? Target) FindRule(string @namespace, IPAddress virtualAddress)
    {
        var rules = ListRules(@namespace, ToolFor(virtualAddress));
        for (var i = 0; i < rules.Count; i++)
        {
            var (destination, target) = ParseRule(rules[i]);
            if (destination is not null && destination.Equals(virtualAddress))
            {
                return (i + 1, target);
            }
        }

        return (null, null);
    }

    private static List<string> ListRules(string @namespace, string tool)
    {
        var result = Run(@namespace, tool, new[] { "-S", Chain }, throwOnError: false);
        return result.Succeeded
            ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("-A " + Chain + " ", StringComparison.Ordinal)).ToList()
            : new List<string>();
    }

    /// <summary>Reads <c>-A MIGRATIONTOOLS -d fe00::1/128 ... -j DNAT --to-destination fc01::1</c>.</summary>
    internal static (IPAddress? Destination, IPAddress? Target) ParseRule(string rule)
    {
        var words = rule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        IPAddress? destination = null, target = null;
        for (var i = 0; i + 1 < words.Length; i++)
        {
            if (words[i] == "-d" && IpPrefix.TryParse(words[i + 1], out var prefix))
            {
                destination = prefix.Value.Address;
            }
            else if (words[i] == "--to-destination")
            {
                var text = words[i + 1];
                // [addr]:port or addr:port for IPv4; a bare IPv6 address has colons of its own.
                if (text.StartsWith('['))
                {
                    text = text[1..text.IndexOf(']')];
                }
                else if (text.Count(c => c == ':') == 1)
                {
                    text = text[..text.IndexOf(':')];
                }

                IPAddress.TryParse(text, out target);
            }
        }

        return (destination, target);
    }

    private static ToolResult Run(string @namespace, string tool, IReadOnlyList<string> arguments, bool throwOnError = true)
    {
        var all = new List<string> { "-w", "5", "-t", "nat" };
        all.AddRange(arguments);
        var result = NetNsTool.TryRun(@namespace, tool, all);
        if (!result.Succeeded && throwOnError)
        {
            var message = result.StandardError.Trim();
            var unsupported = message.Contains("Table does not exist", StringComparison.Ordinal) || message.Contains("Protocol not supported", StringComparison.Ordinal);
            throw ErrorCatalog.Create(unsupported ? ErrorIds.FlowBackendUnavailable : ErrorIds.IptablesFailed,
                $"'{tool} -t nat {string.Join(' ', arguments)}' failed in '{@namespace}': {message}" + (unsupported ? " The kernel lacks the nat table for this family; try -Backend Nftables." : string.Empty), @namespace);
        }

        return result;
    }
}
