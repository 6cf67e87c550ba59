using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>Completes the dotted net.* sysctl keys of the namespace given by -Namespace (of this one without it).</summary>
public sealed class SysctlKeyCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = CompletionHelpers.Namespace(fakeBoundParameters);
        return CompletionHelpers.Safely(() => CompletionHelpers.Complete(Engine.Namespaces.NetNsSysctl.Keys(@namespace), wordToComplete, "sysctl"));
    }
}
