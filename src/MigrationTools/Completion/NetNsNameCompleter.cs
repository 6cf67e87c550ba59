using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>Completes network namespace names (those under /run/netns, as `ip netns list` shows them).</summary>
public sealed class NetNsNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionHelpers.Safely(() => CompletionHelpers.Complete(Engine.Namespaces.NetNsManager.ListNames(), wordToComplete, "network namespace"));
}
