using System.Text;
using MigrationTools.Core.Errors;

namespace MigrationTools.Engine.Validation;

/// <summary>Validates namespace and interface names before anything is changed.</summary>
internal static class NameValidator
{
    /// <summary>Longest namespace name: it is a file name under /run/netns (NAME_MAX).</summary>
    public const int MaxNamespaceNameBytes = 255;

    /// <summary>Longest interface name the kernel accepts (IFNAMSIZ - 1).</summary>
    public const int MaxInterfaceNameBytes = 15;

    /// <summary>Returns null when <paramref name="name"/> is a valid namespace name, else the reason.</summary>
    public static string? NamespaceNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the name is empty";
        }

        if (name is "." or "..")
        {
            return $"'{name}' is reserved";
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxNamespaceNameBytes)
        {
            return $"the name is longer than {MaxNamespaceNameBytes} bytes";
        }

        foreach (var c in name)
        {
            if (c == '/')
            {
                return "the name contains '/'";
            }

            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return "the name contains whitespace or a control character";
            }

            // Wildcard characters would make the name ambiguous in Get-NetNs patterns.
            if (c is '*' or '?' or '[' or ']')
            {
                return $"the name contains the wildcard character '{c}'";
            }
        }

        return null;
    }

    /// <summary>Throws <c>InvalidNetNsName</c> unless <paramref name="name"/> is a valid namespace name.</summary>
    public static string EnsureNamespaceName(string? name)
    {
        var problem = NamespaceNameProblem(name);
        if (problem is not null)
        {
            throw ErrorCatalog.InvalidNetNsName($"'{name}' is not a valid network namespace name: {problem}.", name);
        }

        return name!;
    }

    /// <summary>Returns null when <paramref name="name"/> is a valid interface name, else the reason.</summary>
    public static string? InterfaceNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the name is empty";
        }

        if (name is "." or "..")
        {
            return $"'{name}' is reserved";
        }

        // The kernel keeps /proc/sys/net/ipv4/conf/all and .../default: an interface cannot take those names.
        if (name is "all" or "default")
        {
            return $"'{name}' is reserved by the kernel (net.ipv4.conf.{name})";
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxInterfaceNameBytes)
        {
            return $"the name is longer than {MaxInterfaceNameBytes} bytes";
        }

        foreach (var c in name)
        {
            if (c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return "the name contains '/', ':', whitespace or a control character";
            }
        }

        return null;
    }

    /// <summary>Throws <c>InvalidInterfaceName</c> unless <paramref name="name"/> is a valid interface name.</summary>
    public static string EnsureInterfaceName(string? name)
    {
        var problem = InterfaceNameProblem(name);
        if (problem is not null)
        {
            throw ErrorCatalog.InvalidInterfaceName($"'{name}' is not a valid interface name: {problem}.", name);
        }

        return name!;
    }
}
