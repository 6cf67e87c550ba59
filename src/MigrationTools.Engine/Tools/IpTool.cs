using System.Collections.Generic;
using System.Threading;

namespace MigrationTools.Engine.Tools;

/// <summary>Runs iproute2's <c>ip</c>, optionally inside a namespace (<c>ip -n NAME ...</c>).</summary>
public static class IpTool
{
    /// <summary>Runs <c>ip [-n namespace] args</c>; throws a classified error on failure.</summary>
    public static ToolResult Run(string? @namespace, IEnumerable<string> arguments, CancellationToken cancellationToken = default, object? target = null) =>
        ToolRunner.Run("ip", Build(@namespace, arguments, json: false), cancellationToken, target);

    /// <summary>Runs <c>ip [-n namespace] args</c> and returns the result without throwing.</summary>
    public static ToolResult TryRun(string? @namespace, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        ToolRunner.TryRun("ip", Build(@namespace, arguments, json: false), cancellationToken);

    /// <summary>Runs <c>ip [-n namespace] -json args</c> and returns the JSON text.</summary>
    public static string Json(string? @namespace, IEnumerable<string> arguments, CancellationToken cancellationToken = default, object? target = null) =>
        ToolRunner.Run("ip", Build(@namespace, arguments, json: true), cancellationToken, target).StandardOutput;

    private static List<string> Build(string? @namespace, IEnumerable<string> arguments, bool json)
    {
        var list = new List<string>();
        if (@namespace is not null)
        {
            list.Add("-n");
            list.Add(@namespace);
        }

        if (json)
        {
            list.Add("-json");
        }

        list.AddRange(arguments);
        return list;
    }
}
