using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Validation;

namespace MigrationTools;

/// <summary>
/// Base of the cmdlets that list something per namespace: -Namespace takes names, wildcard patterns, namespace
/// objects and names from the pipeline; omitted, it means every namespace. A name without wildcards that does not
/// exist is a per-item NetNsNotFound error; the other namespaces are still listed.
/// </summary>
public abstract class NamespaceListingCmdlet : MigrationToolsCmdlet
{
    /// <summary>Namespace names or wildcard patterns. Every namespace when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("NetNs")]
    [ArgumentCompleter(typeof(NetNsNameCompleter))]
    public string[]? Namespace { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var name in ResolveNamespaces(Namespace))
        {
            Invoke(name, () => List(name));
        }
    }

    /// <summary>Writes what this cmdlet lists for one existing namespace.</summary>
    protected abstract void List(string @namespace);

    /// <summary>
    /// The existing namespaces that <paramref name="patterns"/> name (all when null), each once, in the order
    /// given; writes NetNsNotFound (or InvalidNetNsName) for each plain name that names none.
    /// </summary>
    protected IReadOnlyList<string> ResolveNamespaces(IEnumerable<string>? patterns)
    {
        IReadOnlyList<string> existing;
        try
        {
            existing = NetNsManager.ListNames();
        }
        catch (MigrationToolsException ex)
        {
            WriteError(ToErrorRecord(ex, null));
            return System.Array.Empty<string>();
        }

        if (patterns is null)
        {
            return existing;
        }

        var found = new List<string>();
        foreach (var pattern in patterns)
        {
            if (WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                var wildcard = new WildcardPattern(pattern, WildcardOptions.None);
                found.AddRange(existing.Where(wildcard.IsMatch));
                continue;
            }

            try
            {
                NameValidator.EnsureNamespaceName(pattern);
            }
            catch (MigrationToolsException ex)
            {
                WriteError(ToErrorRecord(ex, pattern));
                continue;
            }

            if (!existing.Contains(pattern))
            {
                WriteError(ToErrorRecord(ErrorCatalog.NetNsNotFound($"The network namespace '{pattern}' does not exist.", pattern), pattern));
            }
            else
            {
                found.Add(pattern);
            }
        }

        return found.Distinct(System.StringComparer.Ordinal).ToArray();
    }
}
