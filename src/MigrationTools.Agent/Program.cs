using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Runtime.InteropServices;
using MigrationTools.Agent.Relay;
using MigrationTools.Core.Interop;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Agent;

/// <summary>
/// The module's helper program, started inside namespaces:
/// <list type="bullet">
/// <item><c>ipip --name N --local L --remote R --ttl T --tos T --stats FILE --log FILE [--netns PATH --netns-identity DEV:INO:CREATED] [--offload on|off] [--fast-path on|off]</c>:
/// the userspace IPIP relay, started by Set-IpipTunnel with <c>ip netns exec NS setsid -f</c>. On success it prints
/// <c>ready PID</c>, detaches its standard streams (so the starter sees end of output) and relays until SIGTERM, until
/// its TUN device goes or until its namespace is removed. On failure it prints the reason and exits 1.</item>
/// <item><c>exec --stdout FILE --stderr FILE -- PROGRAM ARGS</c>: starts a program detached from the starting session
/// (Invoke-NetNs -Detach): a new session, output into the files, then the program in place of this process.</item>
/// </list>
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        return args.Length > 0 && args[0] == "ipip" ? RunRelay(args)
            : args.Length > 0 && args[0] == "exec" ? Exec(args)
            : Usage();
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: MigrationTools.Agent ipip --name N --local A --remote A [--ttl N] [--tos N] --stats FILE --log FILE [--netns PATH --netns-identity DEV:INO:CREATED]");
        Console.Error.WriteLine("       MigrationTools.Agent exec --stdout FILE --stderr FILE -- PROGRAM [ARGS...]");
        return 2;
    }

    private static Dictionary<string, string> Options(string[] args, int from, int to)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = from; i + 1 < to; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        return options;
    }

    private static int RunRelay(string[] args)
    {
        var options = Options(args, 1, args.Length);
        UserspaceIpipRelay relay;
        StreamWriter log;
        try
        {
            log = new StreamWriter(new FileStream(options["log"], FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            var settings = new RelaySettings(options["name"], IPAddress.Parse(options["local"]), IPAddress.Parse(options["remote"]),
                byte.Parse(options.GetValueOrDefault("ttl", "64")), byte.Parse(options.GetValueOrDefault("tos", "0")), options["stats"],
                options.GetValueOrDefault("netns"), NetNsIdentity.Parse(options.GetValueOrDefault("netns-identity")),
                Offloads: options.GetValueOrDefault("offload", "on") != "off", FastPath: options.GetValueOrDefault("fast-path", "on") != "off");
            relay = new UserspaceIpipRelay(settings, log);
            relay.Open();
        }
        catch (Exception ex) when (ex is IOException or KeyNotFoundException or FormatException or UnauthorizedAccessException or OverflowException or Core.Errors.MigrationToolsException)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }

        log.WriteLine($"{DateTime.UtcNow:O} relay {options["name"]} {options["local"]} -> {options["remote"]} started, pid {Environment.ProcessId}, offloads {relay.Counters.Offloads}");
        // Straight to fd 1: System.Console would keep a duplicate of the starter's pipe open, and the starter waits
        // for the pipe's end. Then let go of the standard streams, since this process outlives its starter.
        WriteRaw(1, $"ready {Environment.ProcessId}\n");
        DetachStandardStreams();

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; relay.Stop("SIGTERM"); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; relay.Stop("SIGINT"); });
        var reason = relay.Run();
        log.WriteLine($"{DateTime.UtcNow:O} relay {options["name"]} stopped: {reason}");
        return 0;
    }

    private static unsafe int Exec(string[] args)
    {
        var separator = Array.IndexOf(args, "--");
        if (separator < 0 || separator + 1 >= args.Length)
        {
            return Usage();
        }

        var options = Options(args, 1, separator);
        if (!options.TryGetValue("stdout", out var stdout) || !options.TryGetValue("stderr", out var stderr))
        {
            return Usage();
        }

        Libc.SetSid();
        var input = Libc.Open("/dev/null", FileConstants.O_RDONLY, 0);
        var output = Libc.Open(stdout, FileConstants.O_WRONLY | FileConstants.O_CREAT | FileConstants.O_TRUNC | FileConstants.O_NOFOLLOW, 0x1a4);
        var error = Libc.Open(stderr, FileConstants.O_WRONLY | FileConstants.O_CREAT | FileConstants.O_TRUNC | FileConstants.O_NOFOLLOW, 0x1a4);
        if (input < 0 || output < 0 || error < 0)
        {
            Console.Error.WriteLine($"Could not open the output files: {Libc.Describe(Libc.LastError)}");
            return 1;
        }

        Libc.Dup2(input, 0);
        Libc.Dup2(output, 1);
        Libc.Dup2(error, 2);
        var program = args[separator + 1];
        var argv = new nint[args.Length - separator];
        for (var i = separator + 1; i < args.Length; i++)
        {
            argv[i - separator - 1] = Marshal.StringToHGlobalAnsi(args[i]);
        }

        fixed (nint* pointer = argv)
        {
            Libc.Execvp(program, pointer);
        }

        WriteRaw(2, $"exec of '{program}' failed: {Libc.Describe(Libc.LastError)}\n");
        return 127;
    }

    private static unsafe void WriteRaw(int fd, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        fixed (byte* pointer = bytes)
        {
            Libc.Write(fd, pointer, bytes.Length);
        }
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

        var devNull = Libc.Open("/dev/null", FileConstants.O_RDWR, 0);
        foreach (var entry in Directory.GetFiles("/proc/self/fd"))
        {
            var name = Path.GetFileName(entry);
            if (int.TryParse(name, out var fd) && fd != devNull && (fd <= 2 || standard.Contains(TargetOf(name) ?? string.Empty)))
            {
                Libc.Dup2(devNull, fd);
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
