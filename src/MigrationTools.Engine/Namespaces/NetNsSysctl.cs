using System;
using System.Collections.Generic;
using System.IO;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Errors;

namespace MigrationTools.Engine.Namespaces;

/// <summary>Reads and writes per-namespace sysctls through /proc/sys from a thread inside the namespace.</summary>
public static class NetNsSysctl
{
    /// <summary>The /proc/sys path of a dotted sysctl key, e.g. <c>net.ipv4.ip_forward</c>.</summary>
    public static string PathOf(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Contains("..") || key.Contains('/') || !key.StartsWith("net.", System.StringComparison.Ordinal))
        {
            throw new MigrationToolsException("InvalidSysctlKey", FailureKind.InvalidArgument, $"'{key}' is not a per-namespace sysctl key: expected a key under net., such as net.ipv4.ip_forward.", key);
        }

        return "/proc/sys/" + key.Replace('.', '/');
    }

    /// <summary>Reads sysctl <paramref name="key"/> inside namespace <paramref name="namespace"/>.</summary>
    public static string Read(string @namespace, string key)
    {
        var path = PathOf(key);
        return NamespaceThread.Run(@namespace, () => ReadFile(path, key));
    }

    /// <summary>Writes sysctl <paramref name="key"/> inside namespace <paramref name="namespace"/>.</summary>
    public static void Write(string @namespace, string key, string value)
    {
        var path = PathOf(key);
        NamespaceThread.Run(@namespace, () =>
        {
            try
            {
                File.WriteAllText(path, value);
            }
            catch (IOException ex)
            {
                throw new MigrationToolsException("SysctlWriteFailed", FailureKind.OperationFailed, $"Could not set {key}={value} in namespace '{@namespace}': {ex.Message}", key, ex);
            }

            return true;
        });
    }

    /// <summary>
    /// Writes a per-interface setting, e.g. net.ipv6.conf.IF.accept_dad. The path is built here rather than from a
    /// dotted key because interface names may contain dots.
    /// </summary>
    public static void WriteInterfaceSetting(string @namespace, IpFamily family, string @interface, string setting, string value)
    {
        Validation.NameValidator.EnsureInterfaceName(@interface);
        var path = $"/proc/sys/net/{(family == IpFamily.IPv4 ? "ipv4" : "ipv6")}/conf/{@interface}/{setting}";
        NamespaceThread.Run(@namespace, () =>
        {
            try
            {
                File.WriteAllText(path, value);
            }
            catch (IOException ex)
            {
                throw new MigrationToolsException("SysctlWriteFailed", FailureKind.OperationFailed, $"Could not write {path} in namespace '{@namespace}': {ex.Message}", path, ex);
            }

            return true;
        });
    }

    /// <summary>
    /// Every readable sysctl under net. inside the namespace whose dotted key <paramref name="match"/> accepts, in
    /// key order. Keys are built from the /proc/sys path, so an interface name with a dot reads as two levels.
    /// </summary>
    public static IReadOnlyList<NetNsSysctlSetting> List(string @namespace, Func<string, bool> match) =>
        NamespaceThread.Run(@namespace, () =>
        {
            var result = new List<NetNsSysctlSetting>();
            foreach (var file in Directory.EnumerateFiles("/proc/sys/net", "*", SearchOption.AllDirectories))
            {
                var key = file["/proc/sys/".Length..].Replace('/', '.');
                if (!match(key))
                {
                    continue;
                }

                try
                {
                    result.Add(new NetNsSysctlSetting(@namespace, key, File.ReadAllText(file).Trim()));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Write-only or transiently gone (an interface removed meanwhile): not a setting to show.
                }
            }

            result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return (IReadOnlyList<NetNsSysctlSetting>)result;
        });

    /// <summary>Reads both forwarding switches in one visit to the namespace.</summary>
    public static (bool? IPv4, bool? IPv6) ReadForwarding(string @namespace) => NamespaceThread.Run(@namespace, ReadForwardingHere);

    /// <summary>Reads both forwarding switches of the calling thread's namespace.</summary>
    internal static (bool? IPv4, bool? IPv6) ReadForwardingHere() =>
        (ReadFlag("/proc/sys/net/ipv4/ip_forward"), ReadFlag("/proc/sys/net/ipv6/conf/all/forwarding"));

    /// <summary>Sets IP forwarding for one family inside a namespace.</summary>
    public static void SetForwarding(string @namespace, IpFamily family, bool enabled) =>
        Write(@namespace, family == IpFamily.IPv4 ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding", enabled ? "1" : "0");

    private static bool? ReadFlag(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim() != "0";
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string ReadFile(string path, string key)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (FileNotFoundException ex)
        {
            throw new MigrationToolsException("SysctlNotFound", FailureKind.ObjectNotFound, $"The sysctl '{key}' does not exist.", key, ex);
        }
    }
}

/// <summary>One sysctl value inside a namespace.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The dotted key, e.g. net.ipv4.conf.all.rp_filter.</param>
/// <param name="Value">The value as the kernel prints it (tabs between fields of multi-value settings).</param>
public sealed record NetNsSysctlSetting(string Namespace, string Name, string Value);
