using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MigrationTools.Completion;

/// <summary>Completes protocol names for conntrack filters.</summary>
public sealed class ProtocolCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionHelpers.Complete(new[] { "icmp", "icmpv6", "tcp", "udp", "sctp" }, wordToComplete, "protocol");
}
