using System;
using Xunit;

namespace MigrationTools.Cmdlets.Tests;

/// <summary>A test of a cmdlet that needs root (they check it before binding anything else): skipped otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    /// <summary>Skips the test when not root.</summary>
    public RootFactAttribute()
    {
        if (!System.IO.File.ReadAllText("/proc/self/status").Contains("\nUid:\t0\t", StringComparison.Ordinal))
        {
            Skip = "needs root";
        }
    }
}
