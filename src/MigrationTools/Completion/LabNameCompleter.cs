using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>Completes the names of the labs built on this machine.</summary>
public sealed class LabNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            return CompletionHelpers.Complete(Engine.Labs.LabManager.List().Select(l => l.Name), wordToComplete, "lab");
        }
        catch (Exception)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }
}
