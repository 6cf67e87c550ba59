using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Tools;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Links;

/// <summary>Interfaces inside namespaces: veth pairs between them, state, MTU, removal.</summary>
public static class LinkManager
{
    /// <summary>The interfaces of a namespace, with their addresses.</summary>
    public static IReadOnlyList<NetInterface> List(string @namespace, CancellationToken cancellationToken = default)
    {
        NetNsManager.EnsureExists(@namespace);
        return IpJson.ParseInterfaces(@namespace, IpTool.Json(@namespace, new[] { "-details", "address", "show" }, cancellationToken, @namespace));
    }

    /// <summary>One interface, or null when it does not exist.</summary>
    public static NetInterface? TryGet(string @namespace, string name, CancellationToken cancellationToken = default) =>
        List(@namespace, cancellationToken).FirstOrDefault(i => i.Name == name);

    /// <summary>One interface; throws <c>InterfaceNotFound</c> when it does not exist.</summary>
    public static NetInterface Get(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        NameValidator.EnsureInterfaceName(name);
        return TryGet(@namespace, name, cancellationToken)
            ?? throw new MigrationToolsException("InterfaceNotFound", FailureKind.ObjectNotFound,
                $"There is no interface '{name}' in namespace '{@namespace}'. List them with Get-NetNsLink -Namespace {@namespace}.", name);
    }

    /// <summary>
    /// Creates a veth pair with one end in each namespace, both up. Everything is checked first; if a later step
    /// fails the pair is deleted again, so nothing is left half-made.
    /// </summary>
    public static VethPair ConnectVeth(string @namespace, string @interface, string peerNamespace, string peerInterface, int? mtu, CancellationToken cancellationToken = default)
    {
        NameValidator.EnsureNamespaceName(@namespace);
        NameValidator.EnsureNamespaceName(peerNamespace);
        NameValidator.EnsureInterfaceName(@interface);
        NameValidator.EnsureInterfaceName(peerInterface);
        if (mtu is { } m && (m < 68 || m > 65535))
        {
            throw new MigrationToolsException("InvalidMtu", FailureKind.InvalidArgument, $"The MTU {m} is out of range: veth accepts 68 to 65535.", m);
        }

        if (@namespace == peerNamespace && @interface == peerInterface)
        {
            throw new MigrationToolsException("VethSameName", FailureKind.InvalidArgument, $"Both ends of the veth pair are named '{@interface}' in '{@namespace}'; give them different names.", @interface);
        }

        HostRequirements.EnsureRoot();
        NetNsManager.EnsureExists(@namespace);
        NetNsManager.EnsureExists(peerNamespace);
        EnsureFree(@namespace, @interface, cancellationToken);
        EnsureFree(peerNamespace, peerInterface, cancellationToken);

        var add = new List<string> { "link", "add", "name", @interface };
        if (mtu is not null)
        {
            add.AddRange(new[] { "mtu", mtu.Value.ToString(CultureInfo.InvariantCulture) });
        }

        add.AddRange(new[] { "type", "veth", "peer", "name", peerInterface, "netns", peerNamespace });
        if (mtu is not null)
        {
            add.AddRange(new[] { "mtu", mtu.Value.ToString(CultureInfo.InvariantCulture) });
        }

        IpTool.Run(@namespace, add, cancellationToken, @interface);
        try
        {
            // A veth pair is point to point: no duplicate address can exist on it. Without DAD the link-local
            // addresses are valid as soon as the link is up, so IPv6 (neighbour discovery, forwarding) works at
            // once instead of after about two seconds.
            NetNsSysctl.WriteInterfaceSetting(@namespace, Addressing.IpFamily.IPv6, @interface, "accept_dad", "0");
            NetNsSysctl.WriteInterfaceSetting(peerNamespace, Addressing.IpFamily.IPv6, peerInterface, "accept_dad", "0");
            IpTool.Run(@namespace, new[] { "link", "set", "dev", @interface, "up" }, cancellationToken, @interface);
            IpTool.Run(peerNamespace, new[] { "link", "set", "dev", peerInterface, "up" }, cancellationToken, peerInterface);
        }
        catch
        {
            IpTool.TryRun(@namespace, new[] { "link", "delete", "dev", @interface });
            throw;
        }

        return new VethPair(@namespace, @interface, peerNamespace, peerInterface);
    }

    /// <summary>Sets an interface up or down and/or its MTU.</summary>
    public static void Set(string @namespace, string name, bool? up, int? mtu, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        Get(@namespace, name, cancellationToken);
        var arguments = new List<string> { "link", "set", "dev", name };
        if (mtu is not null)
        {
            arguments.AddRange(new[] { "mtu", mtu.Value.ToString(CultureInfo.InvariantCulture) });
        }

        if (up is not null)
        {
            arguments.Add(up.Value ? "up" : "down");
        }

        if (arguments.Count > 4)
        {
            IpTool.Run(@namespace, arguments, cancellationToken, name);
        }
    }

    /// <summary>Deletes an interface (for a veth, both ends go).</summary>
    public static void Remove(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        HostRequirements.EnsureRoot();
        var link = Get(@namespace, name, cancellationToken);
        if (link.Kind == "loopback")
        {
            throw new MigrationToolsException("CannotRemoveLoopback", FailureKind.InvalidOperation, $"The loopback interface of '{@namespace}' cannot be removed; remove the namespace instead.", name);
        }

        IpTool.Run(@namespace, new[] { "link", "delete", "dev", name }, cancellationToken, name);
    }

    private static void EnsureFree(string @namespace, string name, CancellationToken cancellationToken)
    {
        if (TryGet(@namespace, name, cancellationToken) is not null)
        {
            throw new MigrationToolsException("InterfaceExists", FailureKind.ResourceExists,
                $"Namespace '{@namespace}' already has an interface named '{name}'. Choose another name or remove it with Remove-NetNsLink -Namespace {@namespace} -Name {name}.", name);
        }
    }
}
