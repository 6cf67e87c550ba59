using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>Completes the pids of the background programs the module started (in -Namespace, when given).</summary>
public sealed class NetNsProcessIdCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = CompletionHelpers.Namespace(fakeBoundParameters);
        return CompletionHelpers.Safely(() => Engine.Processes.NetNsProcessManager.List(@namespace)
            .Where(p => p.ProcessId.ToString(CultureInfo.InvariantCulture).StartsWith(wordToComplete ?? string.Empty, System.StringComparison.Ordinal))
            .Select(p => new CompletionResult(
                p.ProcessId.ToString(CultureInfo.InvariantCulture),
                $"{p.ProcessId} ({p.Namespace}: {p.Command})",
                CompletionResultType.ParameterValue,
                $"{p.Command} {string.Join(" ", p.Arguments)}")));
    }
}
