using System.IO;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Namespaces;

/// <summary>
/// Whether a named namespace exists and which one it is: the part of namespace handling everything else builds on, so
/// it uses nothing above it (no netlink sessions, links, state or processes).
/// </summary>
internal static class NetNsLookup
{
    /// <summary>True when namespace <paramref name="name"/> exists.</summary>
    public static bool Exists(string name) =>
        NameValidator.NamespaceNameProblem(name) is null && File.Exists(NetNsPaths.MountPath(name));

    /// <summary>Throws <c>NetNsNotFound</c> unless namespace <paramref name="name"/> exists.</summary>
    public static string EnsureExists(string name)
    {
        NameValidator.EnsureNamespaceName(name);
        if (!Exists(name))
        {
            throw NotFound(name);
        }

        return name;
    }

    /// <summary>The identity of namespace <paramref name="name"/>; <c>NetNsNotFound</c> when it does not exist.</summary>
    public static NetNsIdentity IdentityOf(string name)
    {
        EnsureExists(name);
        return NetNsIdentity.Of(NetNsPaths.MountPath(name)) ?? throw NotFound(name);
    }

    /// <summary>The error for a namespace that does not exist.</summary>
    internal static MigrationToolsException NotFound(string name) =>
        ErrorCatalog.NetNsNotFound($"The network namespace '{name}' does not exist. Create it with New-NetNs -Name {name}, or list them with Get-NetNs.", name);
}
