using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>Completes the virtual addresses (or, for -Target, the targets) of the mappings in -Namespace.</summary>
public sealed class FlowAddressCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = CompletionHelpers.Namespace(fakeBoundParameters);
        if (@namespace is null)
        {
            return Enumerable.Empty<CompletionResult>();
        }

        return CompletionHelpers.Safely(() =>
        {
            var mappings = Engine.Flows.FlowManager.List(@namespace);
            var vip = fakeBoundParameters["VirtualAddress"]?.ToString();
            var candidates = parameterName == "Target"
                ? mappings.Where(m => vip is null || m.VirtualAddress.ToString() == vip).SelectMany(m => m.Targets).Select(t => t.ToString())
                : mappings.Select(m => m.VirtualAddress.ToString());
            return CompletionHelpers.Complete(candidates.Distinct(), wordToComplete, "flow address in " + @namespace);
        });
    }
}
