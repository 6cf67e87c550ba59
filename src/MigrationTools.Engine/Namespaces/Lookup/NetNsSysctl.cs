using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Addressing;

namespace MigrationTools.Engine.Namespaces;

/// <summary>Reads and writes per-namespace sysctls through /proc/sys from a thread inside the namespace.</summary>
internal static class NetNsSysctl
{
    /// <summary>The /proc/sys path of a dotted sysctl key, e.g. <c>net.ipv4.ip_forward</c>.</summary>
    public static string PathOf(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Contains("..") || key.Contains('/') || !key.StartsWith("net.", System.StringComparison.Ordinal))
        {
            throw ErrorCatalog.InvalidSysctlKey($"'{key}' is not a per-namespace sysctl key: expected a key under net., such as net.ipv4.ip_forward.", key);
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
        NamespaceThread.Run(@namespace, () => WriteFile(@namespace, path, key, value));
    }

    /// <summary>Writes sysctl <paramref name="key"/> in the calling thread's namespace (a worker inside <paramref name="namespace"/>).</summary>
    internal static void WriteHere(string @namespace, string key, string value) => WriteFile(@namespace, PathOf(key), key, value);

    /// <summary>
    /// Writes a per-interface setting, e.g. net.ipv6.conf.IF.accept_dad. The path is built here rather than from a
    /// dotted key because interface names may contain dots.
    /// </summary>
    public static void WriteInterfaceSetting(string @namespace, IpFamily family, string @interface, string setting, string value)
    {
        Validation.NameValidator.EnsureInterfaceName(@interface);
        var path = $"/proc/sys/net/{(family == IpFamily.IPv4 ? "ipv4" : "ipv6")}/conf/{@interface}/{setting}";
        NamespaceThread.Run(@namespace, () => WriteFile(@namespace, path, path["/proc/sys/".Length..].Replace('/', '.'), value));
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

    /// <summary>
    /// The dotted keys under net. of a namespace (of this process's namespace when <paramref name="namespace"/> is
    /// null), without reading their values: what completion offers.
    /// </summary>
    public static IReadOnlyList<string> Keys(string? @namespace)
    {
        static IReadOnlyList<string> Here() => Directory.EnumerateFiles("/proc/sys/net", "*", SearchOption.AllDirectories)
            .Select(f => f["/proc/sys/".Length..].Replace('/', '.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return @namespace is null ? Here() : NamespaceThread.Run(@namespace, Here);
    }

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

    /// <summary>
    /// Writes one /proc/sys file from the namespace's thread; a missing key, a read-only key and a value the kernel
    /// refuses are each their own error, and the change is reported on the verbose stream. One open, a read of the
    /// value before and a write at offset 0 (a sysctl ignores a write past it): the path is looked up once, which is
    /// what costs in a namespace the thread has just entered.
    /// </summary>
    private static unsafe bool WriteFile(string @namespace, string path, string key, string value)
    {
        using var fd = Libc.OpenOwned(path, FileConstants.O_RDWR | FileConstants.O_CLOEXEC, 0);
        var readable = !fd.IsInvalid;
        using var writeOnly = readable ? null : Libc.OpenOwned(path, FileConstants.O_WRONLY | FileConstants.O_CLOEXEC, 0);
        var target = readable ? fd : writeOnly!;
        if (target.IsInvalid)
        {
            var errno = Libc.LastError;
            throw errno switch
            {
                Errno.ENOENT or Errno.ENOTDIR => ErrorCatalog.SysctlNotFound($"The sysctl '{key}' does not exist in namespace '{@namespace}'.", key),
                Errno.EACCES or Errno.EPERM => ErrorCatalog.SysctlReadOnly($"The sysctl '{key}' cannot be written in namespace '{@namespace}': it is read-only.", key),
                _ => WriteFailed(@namespace, key, value, errno),
            };
        }

        string? before = null;
        Span<byte> buffer = stackalloc byte[256];
        if (readable)
        {
            fixed (byte* b = buffer)
            {
                var read = Libc.PRead(target, b, buffer.Length, 0);
                before = read >= 0 ? Encoding.UTF8.GetString(buffer[..(int)read]).Trim() : null;
            }
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        fixed (byte* b = bytes)
        {
            if (Libc.PWrite(target, b, bytes.Length, 0) < 0)
            {
                throw WriteFailed(@namespace, key, value, Libc.LastError);
            }
        }

        MigrationTools.Core.Reporting.EngineOutput.Verbose($"Set {key} = {value} in '{@namespace}' (was {before ?? "unreadable"}).");
        return true;
    }

    private static MigrationToolsException WriteFailed(string @namespace, string key, string value, Errno errno) =>
        ErrorCatalog.SysctlWriteFailed($"Could not set {key}={value} in namespace '{@namespace}': {Libc.Describe(errno)} (errno {(int)errno}).", key);

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
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
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw ErrorCatalog.SysctlNotFound($"The sysctl '{key}' does not exist.", key, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw ErrorCatalog.SysctlWriteOnly($"The sysctl '{key}' cannot be read.", key, ex);
        }
    }
}
