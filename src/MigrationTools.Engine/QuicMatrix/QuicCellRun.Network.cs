using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Conntrack;
using MigrationTools.Engine.Processes;
using MigrationTools.Engine.Routing;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>The endpoints of a cell and what the network does to them.</summary>
internal sealed partial class QuicCellRun
{
    private const string RebindTable = "migrationtools_rebind";
    private const string FaultTable = "migrationtools_fault";
    private const string ClientAddresses = "{ 10.200.0.2, 10.210.0.2 }";

    /// <summary>What the router's NAT maps the client to, before and after the rebinding.</summary>
    private string Mapping(bool after) => cell.Scenario == QuicScenario.RebindPort
        ? (after ? "10.240.0.1:20001" : "10.240.0.1:20000")
        : (after ? "10.240.0.4" : "10.240.0.1");

    /// <summary>
    /// Turns UDP segmentation offload off on the endpoints' interfaces, so that a peer's UDP GSO send is cut into
    /// datagrams before it leaves its namespace: the router's capture then holds the datagrams a real network carries,
    /// not veth's 64 KB super-datagrams, which no reader can split when the peer uses zero-length connection IDs
    /// (quic-go's client does) and which tshark does not split at all.
    /// </summary>
    private void SendWireDatagrams(CancellationToken cancellationToken)
    {
        foreach (var (node, name) in new[] { (_plan.ServerNode, "eth0"), (_plan.ClientNode, "eth0"), (_plan.ClientNode, "eth1") })
        {
            var result = NetNsTool.TryRun(Namespace(node), "ethtool", new[] { "-K", name, "tx-udp-segmentation", "off" }, null, cancellationToken);
            if (!result.Succeeded)
            {
                throw ErrorCatalog.ToolFailed($"ethtool could not turn UDP segmentation off on {Namespace(node)}/{name}: {result.StandardError.Trim()}", Namespace(node));
            }
        }
    }

    /// <summary>Loads what the scenario needs before the transfer: the rebinding NAT, the injected fault.</summary>
    private void Prepare(CancellationToken cancellationToken)
    {
        var port = cell.Server.Port.ToString(CultureInfo.InvariantCulture);
        if (cell.Scenario is QuicScenario.RebindPort or QuicScenario.RebindAddress)
        {
            // Server packets to a mapping that is gone must not reach the router's own stack (no ICMP back to the server).
            Nft(_plan.RouterNode, $$"""
                table ip {{RebindTable}} {
                    chain post {
                        type nat hook postrouting priority srcnat; policy accept;
                        oifname "eth2" ip saddr {{ClientAddresses}} udp dport {{port}} snat to {{Mapping(after: false)}}
                    }
                    chain in {
                        type filter hook input priority filter; policy accept;
                        iifname "eth2" udp sport {{port}} drop
                    }
                }
                """, cancellationToken);
        }

        if (_fault is not null)
        {
            // The origin's fault on the wire: what the server sends to the client's new path leaves from its real address.
            Nft(_plan.ServerNode, $$"""
                table ip {{FaultTable}} {
                    chain out {
                        type filter hook output priority raw; policy accept;
                        ip daddr {{QuicScenarioPlan.NewClientAddress}} udp sport {{port}} notrack ip saddr set {{QuicScenarioPlan.RealServerAddress}}
                    }
                }
                """, cancellationToken);
        }
    }

    /// <summary>True when the scenario's network change comes at the handshake (the client's own move follows its flag).</summary>
    private bool TriggersAtHandshake => cell.Scenario is QuicScenario.ClientMigration or QuicScenario.DsrLoadBalancer;

    /// <summary>What the network does mid-transfer.</summary>
    private void Trigger(CancellationToken cancellationToken)
    {
        switch (cell.Scenario)
        {
            case QuicScenario.RebindPort or QuicScenario.RebindAddress:
                var port = cell.Server.Port.ToString(CultureInfo.InvariantCulture);
                Nft(_plan.RouterNode, $"flush chain ip {RebindTable} post\nadd rule ip {RebindTable} post oifname \"eth2\" ip saddr {ClientAddresses} udp dport {port} snat to {Mapping(after: true)}\n", cancellationToken);
                ConntrackTable.Purge(Namespace(_plan.RouterNode), ConntrackFilter.Parse(null, null, "udp", IpFamily.IPv4));
                break;
            case QuicScenario.ClientMigration or QuicScenario.DsrLoadBalancer:
                RouteManager.Replace(Namespace(_plan.ClientNode), RouteSpec.Create(_plan.ServerRoute, _plan.NewPathGateway, null, null, null, null), cancellationToken);
                break;
        }
    }

    private void Nft(string node, string ruleset, CancellationToken cancellationToken)
    {
        var result = NetNsTool.TryRun(Namespace(node), "nft", new[] { "-f", "-" }, ruleset, cancellationToken);
        if (!result.Succeeded)
        {
            throw ErrorCatalog.ToolFailed($"nft in '{Namespace(node)}' refused the scenario's rules: {result.StandardError.Trim()}", Namespace(node));
        }
    }

    /// <summary>Starts the server or the client of <paramref name="implementation"/> in its namespace, with its folders made.</summary>
    private NetNsProcess StartEndpoint(QuicImplementation implementation, bool server)
    {
        var role = server ? "server" : "client";
        var folder = Path.Combine(_directory, role);
        var logs = Path.Combine(folder, "logs");
        var downloads = Path.Combine(folder, "downloads");
        var root = Path.Combine(folder, "root");
        foreach (var path in new[] { logs, Path.Combine(logs, "qlog"), downloads, root })
        {
            Directory.CreateDirectory(path);
        }

        var spec = server ? implementation.Server : implementation.Client;
        var interop = implementation.InteropRunner;
        var url = $"https://{_plan.ServerAddress}:{cell.Server.Port}/{content.FileName}";
        var values = new Dictionary<string, string>
        {
            ["ServerAddress"] = _plan.ServerAddress,
            ["Port"] = cell.Server.Port.ToString(CultureInfo.InvariantCulture),
            ["Url"] = url,
            ["FileName"] = content.FileName,
            ["CertificateFile"] = interop ? InteropLayout.Certs + "/cert.pem" : content.CertificateFile,
            ["KeyFile"] = interop ? InteropLayout.Certs + "/priv.key" : content.KeyFile,
            ["KeyLogFile"] = interop ? InteropLayout.Logs + "/keys.log" : Path.Combine(logs, "keys.log"),
            ["QlogDirectory"] = interop ? InteropLayout.Logs + "/qlog" : Path.Combine(logs, "qlog"),
            ["WwwDirectory"] = interop ? InteropLayout.Www : content.WwwDirectory,
            ["DownloadDirectory"] = interop ? InteropLayout.Downloads : downloads,
            ["LogDirectory"] = interop ? InteropLayout.Logs : logs,
            ["BuildDirectory"] = implementation.BuildDirectory,
            ["MigrateAfterMs"] = ((int)options.TriggerAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ["PreferredAddress"] = _plan.PreferredAddress ?? string.Empty,
        };

        var arguments = spec.Arguments.Select(a => QuicPlaceholders.Expand(a, values)).ToList();
        if (interop && !server && arguments.Count == 0)
        {
            arguments.Add(url);
        }

        var scenarioArguments = server ? cell.Scenario == QuicScenario.PreferredAddress : TriggersAtHandshake;
        if (scenarioArguments)
        {
            arguments.AddRange(spec.ScenarioArguments.Select(a => QuicPlaceholders.Expand(a, values)));
        }

        var environment = new Dictionary<string, string?>();
        if (interop)
        {
            environment["ROLE"] = role;
            environment["TESTCASE"] = cell.Scenario == QuicScenario.PreferredAddress ? "connectionmigration" : "transfer";
            environment["SSLKEYLOGFILE"] = values["KeyLogFile"];
            environment["QLOGDIR"] = values["QlogDirectory"];
            if (!server)
            {
                environment["REQUESTS"] = url;
            }
        }

        foreach (var (name, value) in spec.Environment)
        {
            environment[name] = QuicPlaceholders.Expand(value, values);
        }

        var command = QuicPlaceholders.Expand(spec.Command, values);
        var node = Namespace(server ? _plan.ServerNode : _plan.ClientNode);
        if (!interop)
        {
            return NetNsProcessManager.StartBackground(node, command, arguments, environment);
        }

        var (program, wrapped) = InteropLayout.Wrap(ProgramLocator.Find(command), arguments);
        foreach (var (name, value) in InteropLayout.Folders(root, content.WwwDirectory, downloads, content.CertificateDirectory, logs))
        {
            environment[name] = value;
        }

        return NetNsProcessManager.StartBackground(node, program, wrapped, environment);
    }
}
