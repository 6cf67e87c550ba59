namespace MigrationTools.Analysis.Quic;

/// <summary>The two ends of a connection.</summary>
internal enum Side
{
    Client,
    Server,
}
