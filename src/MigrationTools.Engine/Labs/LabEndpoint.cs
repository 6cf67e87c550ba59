namespace MigrationTools.Engine.Labs;

/// <summary>
/// One end of a lab link: a node and the interface name it gets there; for an uplink's far end, the namespace the lab
/// is built from (<see cref="Here"/>, written <c>host:NAME</c> in a lab file).
/// </summary>
/// <param name="Node">The node (empty for the namespace the lab is built from).</param>
/// <param name="Interface">The interface name (at most 15 bytes).</param>
internal sealed record LabEndpoint(string Node, string Interface)
{
    /// <summary>How a lab file names the namespace the lab is built from in an endpoint.</summary>
    public const string HostWord = "host";

    /// <summary>True for an end in the namespace the lab is built from.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsHere => Node.Length == 0;

    /// <summary>
    /// For an uplink of a lab across hosts written <c>host@NAME:IF</c>: the host (of the lab's Hosts) in whose own
    /// namespace the far end is; null: the machine that builds the lab.
    /// </summary>
    public string? OnHost { get; init; }

    /// <summary>An end in the namespace the lab is built from (of host <paramref name="onHost"/>, for a lab across hosts).</summary>
    public static LabEndpoint Here(string @interface, string? onHost = null) => new(string.Empty, @interface) { OnHost = onHost };

    /// <inheritdoc />
    public override string ToString() => $"{(IsHere ? HostWord + (OnHost is null ? string.Empty : "@" + OnHost) : Node)}:{Interface}";
}
