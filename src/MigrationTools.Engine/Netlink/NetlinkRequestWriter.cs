namespace MigrationTools.Engine.Netlink;

/// <summary>Writes one request into <paramref name="writer"/> with sequence number <paramref name="sequence"/>.</summary>
internal delegate void NetlinkRequestWriter(ref NetlinkWriter writer, uint sequence);
