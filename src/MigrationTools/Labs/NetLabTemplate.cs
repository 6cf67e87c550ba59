using System.Collections.Generic;

namespace MigrationTools.Labs;

/// <summary>A lab file shipped with the module.</summary>
public sealed class NetLabTemplate
{
    internal NetLabTemplate(string name, string path, string? description, IReadOnlyList<string> nodes)
    {
        Name = name;
        Path = path;
        Description = description;
        Nodes = nodes;
    }

    /// <summary>The name to give New-NetLab -Template.</summary>
    public string Name { get; }
    /// <summary>The lab file.</summary>
    public string Path { get; }
    /// <summary>What the lab is for.</summary>
    public string? Description { get; }
    /// <summary>Its nodes.</summary>
    public IReadOnlyList<string> Nodes { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
