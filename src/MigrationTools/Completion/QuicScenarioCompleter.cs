using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using MigrationTools.Engine.QuicMatrix;

namespace MigrationTools.Completion;

/// <summary>Completes the names of Test-QuicMigration's scenarios.</summary>
public sealed class QuicScenarioCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionHelpers.Complete(Enum.GetNames<QuicScenario>(), wordToComplete, "scenario");
}
