using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>Completes the tunnel names of the namespace given by -Namespace.</summary>
public sealed class TunnelNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = CompletionHelpers.Namespace(fakeBoundParameters);
        return @namespace is null
            ? Enumerable.Empty<CompletionResult>()
            : CompletionHelpers.Safely(() => CompletionHelpers.Complete(Engine.Tunnels.TunnelManager.List(@namespace).Select(t => t.Name), wordToComplete, "tunnel in " + @namespace));
    }
}
