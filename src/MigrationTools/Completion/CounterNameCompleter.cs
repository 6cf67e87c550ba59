using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>Completes counter names (of the namespace given by -Namespace, or of this one: the names are the same).</summary>
public sealed class CounterNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = CompletionHelpers.Namespace(fakeBoundParameters);
        return CompletionHelpers.Safely(() => CompletionHelpers.Complete(
            Engine.Statistics.CounterReader.Names(@namespace),
            wordToComplete,
            "counter"));
    }
}
