using System;

namespace MigrationTools.Cmdlets.Tests;

/// <summary>One hosted runspace shared by a test class.</summary>
public sealed class ModuleHostFixture : IDisposable
{
    /// <summary>The host.</summary>
    public ModuleHost Host { get; } = new();

    /// <inheritdoc />
    public void Dispose() => Host.Dispose();
}
