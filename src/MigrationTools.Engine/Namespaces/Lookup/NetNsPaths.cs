using System.IO;

namespace MigrationTools.Engine.Namespaces;

/// <summary>Where namespaces and the module's own state live on disk.</summary>
internal static class NetNsPaths
{
    /// <summary>The directory iproute2 keeps namespace bind mounts in.</summary>
    public const string NetNsDirectory = "/run/netns";

    /// <summary>The module's runtime state (background processes, tunnels, flows, labs). tmpfs: gone at reboot, as namespaces are.</summary>
    public const string StateDirectory = "/run/migrationtools";

    /// <summary>The bind-mount path of namespace <paramref name="name"/>.</summary>
    public static string MountPath(string name) => Path.Combine(NetNsDirectory, name);
}
