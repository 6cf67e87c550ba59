using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using MigrationTools.Core.Errors;

namespace MigrationTools.Engine.Tools;

/// <summary>Finds external programs on PATH and names the Debian package that provides each.</summary>
internal static class ToolCatalog
{
    private static readonly Dictionary<string, string> PackageByProgram = new(StringComparer.Ordinal)
    {
        ["ip"] = "iproute2",
        ["tc"] = "iproute2",
        ["nft"] = "nftables",
        ["iptables"] = "iptables",
        ["ip6tables"] = "iptables",
        ["iptables-save"] = "iptables",
        ["ip6tables-save"] = "iptables",
        ["conntrack"] = "conntrack",
        ["tcpdump"] = "tcpdump",
        ["sysctl"] = "procps",
        ["ping"] = "iputils-ping",
        ["ncat"] = "ncat",
        ["iperf3"] = "iperf3",
        ["tshark"] = "tshark",
        ["gtlsserver"] = "ngtcp2-server",
        ["gtlsclient"] = "ngtcp2-client",
        ["setsid"] = "util-linux",
        ["openssl"] = "openssl",
        ["editcap"] = "wireshark-common",
        ["mergecap"] = "wireshark-common",
        ["ethtool"] = "ethtool",
        ["go"] = "golang-go",
    };

    private static readonly ConcurrentDictionary<string, string?> ResolvedPaths = new(StringComparer.Ordinal);

    /// <summary>The Debian package that provides <paramref name="program"/>, or null when unknown.</summary>
    public static string? PackageFor(string program) =>
        PackageByProgram.TryGetValue(Path.GetFileName(program), out var package) ? package : null;

    /// <summary>The full path of <paramref name="program"/>, or null when it is not installed.</summary>
    public static string? TryResolve(string program)
    {
        if (program.Contains('/'))
        {
            return File.Exists(program) ? program : null;
        }

        return ResolvedPaths.GetOrAdd(program, static name => Search(name));
    }

    /// <summary>
    /// The first executable file named <paramref name="name"/> on PATH, then in the sbin directories (not always on a
    /// non-login PATH, yet iproute2 and friends live there), as execvp(3) would look; null when there is none. The one
    /// PATH search of the module: the tools it runs and the programs a user asks it to run are found alike.
    /// </summary>
    internal static string? Search(string name)
    {
        var searchPath = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in $"{searchPath}:/usr/local/sbin:/usr/sbin:/sbin".Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="path"/> is a file someone may execute.</summary>
    internal static bool IsExecutable(string path)
    {
        try
        {
            return File.Exists(path) && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The full path of <paramref name="program"/>; throws <c>ToolNotInstalled</c> naming the package when missing.</summary>
    public static string Resolve(string program)
    {
        var path = TryResolve(program);
        if (path is not null)
        {
            return path;
        }

        ResolvedPaths.TryRemove(program, out _);
        var package = PackageFor(program);
        var hint = package is null
            ? "Install it and make sure it is on PATH."
            : $"Install the Debian package '{package}' (apt-get install {package}), or run ./build.ps1 -Task Bootstrap.";
        throw ErrorCatalog.ToolNotInstalled($"The program '{program}' was not found. {hint}", program);
    }
}
