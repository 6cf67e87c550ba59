using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Runtime.InteropServices;
using MigrationTools.Engine.Tunnels;

namespace MigrationTools.Agent;

/// <summary>
/// <c>MigrationTools.Agent ipip --name N --local L --remote R --ttl T --tos T --stats FILE --log FILE</c>:
/// the userspace IPIP relay, started by Set-IpipTunnel with <c>ip netns exec NS setsid -f</c>. On success it prints
/// <c>ready PID</c>, detaches its standard streams (so the starter sees end of output) and relays until SIGTERM.
/// On failure it prints the reason to standard error and exits 1.
/// </summary>
internal static class Program
{
    [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern int dup2(int oldFd, int newFd);
    [DllImport("libc", SetLastError = true)] private static extern nint write(int fd, byte[] buffer, nint count);

    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "ipip")
        {
            Console.Error.WriteLine("usage: MigrationTools.Agent ipip --name N --local A --remote A [--ttl N] [--tos N] --stats FILE --log FILE");
            return 2;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        UserspaceIpipRelay relay;
        StreamWriter log;
        try
        {
            log = new StreamWriter(new FileStream(options["log"], FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            relay = new UserspaceIpipRelay(options["name"], IPAddress.Parse(options["local"]), IPAddress.Parse(options["remote"]),
                byte.Parse(options.GetValueOrDefault("ttl", "64")), byte.Parse(options.GetValueOrDefault("tos", "0")), options["stats"], log);
            relay.Open();
        }
        catch (Exception ex) when (ex is IOException or KeyNotFoundException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }

        log.WriteLine($"{DateTime.UtcNow:O} relay {options["name"]} {options["local"]} -> {options["remote"]} started, pid {Environment.ProcessId}");
        // Straight to fd 1: System.Console would keep a duplicate of the starter's pipe open, and the starter waits
        // for the pipe's end. Then let go of the standard streams, since this process outlives its starter.
        var ready = System.Text.Encoding.ASCII.GetBytes($"ready {Environment.ProcessId}\n");
        write(1, ready, ready.Length);
        DetachStandardStreams();

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; relay.Stop(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; relay.Stop(); });
        relay.Run();
        log.WriteLine($"{DateTime.UtcNow:O} relay {options["name"]} stopped");
        return 0;
    }

    /// <summary>
    /// Points fds 0 to 2, and every duplicate of them the runtime made (System.Console keeps its own), at /dev/null,
    /// so that no descriptor of the starter's pipes stays open in this long-lived process.
    /// </summary>
    private static void DetachStandardStreams()
    {
        var standard = new HashSet<string>(StringComparer.Ordinal);
        for (var fd = 0; fd <= 2; fd++)
        {
            var target = TargetOf(fd.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (target is not null && !target.StartsWith('/'))
            {
                standard.Add(target);
            }
        }

        var devNull = open("/dev/null", 2);
        foreach (var entry in Directory.GetFiles("/proc/self/fd"))
        {
            var name = Path.GetFileName(entry);
            if (int.TryParse(name, out var fd) && fd != devNull && (fd <= 2 || standard.Contains(TargetOf(name) ?? string.Empty)))
            {
                dup2(devNull, fd);
            }
        }
    }

    private static string? TargetOf(string fd)
    {
        try
        {
            return new FileInfo("/proc/self/fd/" + fd).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
