using System;
using System.Collections.Generic;
using System.Linq;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Netlink.Route;

namespace MigrationTools.Engine.Netlink;

/// <summary>Writes one request into <paramref name="writer"/> with sequence number <paramref name="sequence"/>.</summary>
internal delegate void NetlinkRequestWriter(ref NetlinkWriter writer, uint sequence);
