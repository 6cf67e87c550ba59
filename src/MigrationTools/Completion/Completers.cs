using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Processes;

namespace MigrationTools.Completion;

/// <summary>Completes network namespace names from /run/netns.</summary>
public sealed class NetNsNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionHelpers.Complete(NamespaceNames(), wordToComplete, "network namespace");

    internal static IEnumerable<string> NamespaceNames()
    {
        try
        {
            return Directory.Exists(NetNsPaths.NetNsDirectory)
                ? Directory.GetFiles(NetNsPaths.NetNsDirectory).Select(Path.GetFileName).OfType<string>().OrderBy(n => n, StringComparer.Ordinal)
                : Enumerable.Empty<string>();
        }
        catch (IOException)
        {
            return Enumerable.Empty<string>();
        }
        catch (UnauthorizedAccessException)
        {
            return Enumerable.Empty<string>();
        }
    }
}

/// <summary>Completes interface names inside the namespace given by -Namespace (or -Name).</summary>
public sealed class InterfaceNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = (fakeBoundParameters["Namespace"] ?? (parameterName == "PeerInterface" ? fakeBoundParameters["Peer"] : null))?.ToString();
        if (string.IsNullOrEmpty(@namespace) || !NetNsManager.Exists(@namespace))
        {
            return Enumerable.Empty<CompletionResult>();
        }

        try
        {
            return CompletionHelpers.Complete(LinkManager.List(@namespace).Select(i => i.Name), wordToComplete, "interface in " + @namespace);
        }
        catch (Exception)
        {
            // Completion must never throw at the user.
            return Enumerable.Empty<CompletionResult>();
        }
    }
}

/// <summary>Completes the pids of background processes the module started.</summary>
public sealed class NetNsProcessIdCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = fakeBoundParameters["Namespace"]?.ToString();
        return NetNsProcessManager.List(string.IsNullOrEmpty(@namespace) ? null : @namespace)
            .Where(p => p.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture).StartsWith(wordToComplete ?? string.Empty, StringComparison.Ordinal))
            .Select(p => new CompletionResult(p.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{p.ProcessId} ({p.Namespace}: {p.Command})", CompletionResultType.ParameterValue, $"{p.Command} {string.Join(" ", p.Arguments)}"));
    }
}

internal static class CompletionHelpers
{
    internal static IEnumerable<CompletionResult> Complete(IEnumerable<string> candidates, string? wordToComplete, string description)
    {
        var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        foreach (var candidate in candidates)
        {
            if (pattern.IsMatch(candidate))
            {
                var text = candidate.IndexOfAny(new[] { ' ', '$', '\'', '"', '`', '(', ')', '{', '}', ';', ',', '@', '#' }) >= 0 ? "'" + candidate.Replace("'", "''") + "'" : candidate;
                yield return new CompletionResult(text, candidate, CompletionResultType.ParameterValue, $"{candidate} ({description})");
            }
        }
    }
}

/// <summary>Completes the virtual addresses (or, for -Target, the targets) of the mappings in -Namespace.</summary>
public sealed class FlowAddressCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = fakeBoundParameters["Namespace"]?.ToString();
        if (string.IsNullOrEmpty(@namespace) || !NetNsManager.Exists(@namespace))
        {
            return Enumerable.Empty<CompletionResult>();
        }

        try
        {
            var mappings = Engine.Flows.FlowManager.List(@namespace);
            var candidates = parameterName == "Target"
                ? mappings.Where(m => fakeBoundParameters["VirtualAddress"] is null || m.VirtualAddress.ToString() == fakeBoundParameters["VirtualAddress"]?.ToString())
                    .SelectMany(m => m.Targets).Select(t => t.ToString())
                : mappings.Select(m => m.VirtualAddress.ToString());
            return CompletionHelpers.Complete(candidates.Distinct(), wordToComplete, "flow address in " + @namespace);
        }
        catch (Exception)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }
}

/// <summary>Completes protocol names for conntrack filters.</summary>
public sealed class ProtocolCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionHelpers.Complete(new[] { "icmp", "icmpv6", "tcp", "udp", "sctp" }, wordToComplete, "protocol");
}

/// <summary>Completes the tunnel names of the namespace given by -Namespace.</summary>
public sealed class TunnelNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var @namespace = fakeBoundParameters["Namespace"]?.ToString();
        if (string.IsNullOrEmpty(@namespace) || !NetNsManager.Exists(@namespace))
        {
            return Enumerable.Empty<CompletionResult>();
        }

        try
        {
            return CompletionHelpers.Complete(Engine.Tunnels.TunnelManager.List(@namespace).Select(t => t.Name), wordToComplete, "tunnel in " + @namespace);
        }
        catch (Exception)
        {
            return Enumerable.Empty<CompletionResult>();
        }
    }
}

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

/// <summary>Completes the names of the labs shipped with the module.</summary>
public sealed class LabTemplateCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionHelpers.Complete(Labs.LabTemplates.Names(), wordToComplete, "shipped lab");
}
