using System;
using Xunit;

namespace MigrationTools.Engine.Tests.Root;

/// <summary>A test that changes the kernel's state inside namespaces of its own: skipped unless running as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    /// <summary>Skips the test when not root.</summary>
    public RootFactAttribute()
    {
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root" && !IsRoot())
        {
            Skip = "needs root (namespaces, links and netlink changes)";
        }
    }

    private static bool IsRoot() => System.IO.File.ReadAllText("/proc/self/status").Contains("\nUid:\t0\t", StringComparison.Ordinal);
}

/// <summary>The root tests share process-wide hooks (fault points), so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RootCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Root";
}
