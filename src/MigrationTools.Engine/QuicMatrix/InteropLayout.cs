using System.Collections.Generic;

namespace MigrationTools.Engine.QuicMatrix;

/// <summary>
/// The quic-interop-runner contract without Docker: the endpoint runs in a private mount namespace whose root is a
/// tmpfs that mirrors the machine's root (each top-level directory bound, each top-level link copied) plus /www,
/// /downloads, /certs and /logs bound to the run's own folders; it is chrooted there. The mounts live as long as the
/// endpoint, and nothing is made on the machine's root file system.
/// </summary>
internal static class InteropLayout
{
    /// <summary>The contract's fixed paths, as the endpoint sees them.</summary>
    public const string Www = "/www";
    public const string Downloads = "/downloads";
    public const string Certs = "/certs";
    public const string Logs = "/logs";

    // Run by sh -c with the endpoint's command as $0 and its arguments as $@; the folders come in MIGRATIONTOOLS_* variables.
    private const string Script = """
        set -e
        r="$MIGRATIONTOOLS_ROOT"
        mount --make-rprivate /
        mount -t tmpfs -o mode=0755 interop-root "$r"
        for e in /*; do
          n="${e#/}"
          if [ -L "$e" ]; then ln -s "$(readlink "$e")" "$r/$n"
          elif [ -d "$e" ]; then mkdir "$r/$n"; mount --rbind "$e" "$r/$n"
          fi
        done
        for d in www downloads certs logs; do mkdir -p "$r/$d"; done
        mount --bind "$MIGRATIONTOOLS_WWW" "$r/www"
        mount --bind "$MIGRATIONTOOLS_DOWNLOADS" "$r/downloads"
        mount --bind "$MIGRATIONTOOLS_CERTS" "$r/certs"
        mount --bind "$MIGRATIONTOOLS_LOGS" "$r/logs"
        unset MIGRATIONTOOLS_ROOT MIGRATIONTOOLS_WWW MIGRATIONTOOLS_DOWNLOADS MIGRATIONTOOLS_CERTS MIGRATIONTOOLS_LOGS
        exec chroot "$r" "$0" "$@"
        """;

    /// <summary>The program and arguments that run <paramref name="command"/> with <paramref name="arguments"/> in the layout.</summary>
    public static (string Program, IReadOnlyList<string> Arguments) Wrap(string command, IReadOnlyList<string> arguments)
    {
        var all = new List<string> { "--mount", "--propagation", "private", "sh", "-c", Script, command };
        all.AddRange(arguments);
        return ("unshare", all);
    }

    /// <summary>The variables that name the run's folders for <see cref="Script"/> (<paramref name="root"/>: an empty folder for the new root).</summary>
    public static Dictionary<string, string?> Folders(string root, string www, string downloads, string certs, string logs) => new()
    {
        ["MIGRATIONTOOLS_ROOT"] = root,
        ["MIGRATIONTOOLS_WWW"] = www,
        ["MIGRATIONTOOLS_DOWNLOADS"] = downloads,
        ["MIGRATIONTOOLS_CERTS"] = certs,
        ["MIGRATIONTOOLS_LOGS"] = logs,
    };
}
