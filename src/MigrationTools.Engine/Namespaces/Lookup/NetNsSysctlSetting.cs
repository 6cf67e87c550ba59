namespace MigrationTools.Engine.Namespaces;

/// <summary>One sysctl value inside a namespace.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The dotted key, e.g. net.ipv4.conf.all.rp_filter.</param>
/// <param name="Value">The value as the kernel prints it (tabs between fields of multi-value settings).</param>
public sealed record NetNsSysctlSetting(string Namespace, string Name, string Value);
