using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Tools;

namespace MigrationTools.Engine.Processes;

/// <summary>Where the module's helper program (MigrationTools.Agent: the tunnel relay, detached starts) is, and how to run it.</summary>
internal static class AgentProgram
{
    /// <summary>The dotnet host and the agent's dll, as the first two words of a command line.</summary>
    internal static IReadOnlyList<string> CommandLine()
    {
        var directory = Path.GetDirectoryName(typeof(AgentProgram).Assembly.Location) ?? ".";
        var agent = Path.Combine(directory, "MigrationTools.Agent.dll");
        if (!File.Exists(agent))
        {
            throw ErrorCatalog.AgentMissing($"The helper program {agent} is missing from the module; rebuild or reinstall MigrationTools.", agent);
        }

        // The dotnet host of the runtime this process runs on: <root>/shared/Microsoft.NETCore.App/<version>/.
        var runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/');
        var root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        foreach (var candidate in new[] { Path.Combine(root, "dotnet"), Path.Combine(Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? "/nonexistent", "dotnet") })
        {
            if (File.Exists(candidate))
            {
                return new[] { candidate, agent };
            }
        }

        return new[] { ToolCatalog.Resolve("dotnet"), agent };
    }
}
