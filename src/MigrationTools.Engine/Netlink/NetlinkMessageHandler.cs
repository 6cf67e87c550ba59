namespace MigrationTools.Engine.Netlink;

/// <summary>Handles one message of a reply; the span is only valid during the call.</summary>
internal delegate void NetlinkMessageHandler(NetlinkMessage message);
