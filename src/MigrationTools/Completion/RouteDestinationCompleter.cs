using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>Completes the destinations of the routes in the namespace given by -Namespace (for Set-/Remove-NetNsRoute).</summary>
public sealed class RouteDestinationCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = CompletionHelpers.Namespace(fakeBoundParameters);
        return @namespace is null
            ? Enumerable.Empty<CompletionResult>()
            : CompletionHelpers.Safely(() => CompletionHelpers.Complete(
                Engine.Routing.RouteManager.List(@namespace, null).Where(r => r.Type == "unicast").Select(r => r.Destination).Distinct(),
                wordToComplete,
                "route in " + @namespace));
    }
}
