using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>Completes interface names inside the namespace given by -Namespace (or -Name; -Peer for -PeerInterface).</summary>
public sealed class InterfaceNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = parameterName == "PeerInterface"
            ? CompletionHelpers.Namespace(fakeBoundParameters, "Peer", "PeerNamespace")
            : CompletionHelpers.Namespace(fakeBoundParameters, "Namespace", "Name", "NetNs");
        return @namespace is null
            ? Enumerable.Empty<CompletionResult>()
            : CompletionHelpers.Safely(() => CompletionHelpers.Complete(Engine.Links.LinkManager.List(@namespace).Select(i => i.Name), wordToComplete, "interface in " + @namespace));
    }
}
