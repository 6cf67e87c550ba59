namespace MigrationTools.Analysis.Quic;

/// <summary>Helpers on <see cref="Side"/>.</summary>
internal static class SideExtensions
{
    /// <summary>The other end.</summary>
    internal static Side Peer(this Side side) => side == Side.Client ? Side.Server : Side.Client;

    /// <summary>"client" or "server", for evidence texts.</summary>
    internal static string Lower(this Side side) => side == Side.Client ? "client" : "server";
}
