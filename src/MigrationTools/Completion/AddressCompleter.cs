using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>
/// Completes the addresses inside the namespace given by -Namespace (on the interface given by -Interface, when
/// there is one): the addresses Remove-NetNsAddress can remove and conntrack filters can name.
/// </summary>
public sealed class AddressCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = CompletionHelpers.Namespace(fakeBoundParameters);
        if (@namespace is null)
        {
            return Enumerable.Empty<CompletionResult>();
        }

        var @interface = fakeBoundParameters["Interface"]?.ToString();
        var withPrefix = parameterName is "Address";
        return CompletionHelpers.Safely(() => CompletionHelpers.Complete(
            Engine.Links.AddressManager.List(@namespace, @interface)
                .Where(a => a.Scope != "host" || a.Interface != "lo" || !System.Net.IPAddress.IsLoopback(a.Address))
                .Select(a => withPrefix ? a.Prefix.ToString() : a.Address.ToString())
                .Distinct(),
            wordToComplete,
            "address in " + @namespace));
    }
}
