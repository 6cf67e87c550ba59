using System.Net;

namespace MigrationTools.Engine.Netlink.Route;

/// <summary>The IFLA_IPTUN_* settings of a kernel ipip device.</summary>
internal sealed record IpipLinkData(IPAddress? Local, IPAddress? Remote, byte Ttl, byte Tos);
