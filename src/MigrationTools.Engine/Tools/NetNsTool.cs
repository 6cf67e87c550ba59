using System.Collections.Generic;
using System.Threading;

namespace MigrationTools.Engine.Tools;

/// <summary>Runs a program inside a namespace through <c>ip netns exec</c>, for tools with no namespace option of their own.</summary>
internal static class NetNsTool
{
    /// <summary>Runs <paramref name="program"/> inside <paramref name="namespace"/> and returns its result without throwing.</summary>
    public static ToolResult TryRun(string @namespace, string program, IReadOnlyList<string> arguments, string? standardInput = null, CancellationToken cancellationToken = default)
    {
        // Resolve here, so a missing tool names its own package rather than failing inside ip netns exec.
        var path = ToolCatalog.Resolve(program);
        var all = new List<string> { "netns", "exec", @namespace, path };
        all.AddRange(arguments);
        var result = ToolRunner.RunAsync("ip", all, cancellationToken, standardInput).GetAwaiter().GetResult();
        return result;
    }
}
