using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>Completes the names of the QUIC implementations shipped with the module.</summary>
public sealed class QuicImplementationCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionHelpers.Complete(Quic.QuicImplementationFiles.ShippedNames(), wordToComplete, "QUIC implementation");
}
