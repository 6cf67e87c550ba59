using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Runtime.InteropServices;
using System.Threading;
using MigrationTools.Engine.Addressing;
using MigrationTools.Engine.Errors;
using MigrationTools.Engine.Interop;
using MigrationTools.Engine.Links;
using MigrationTools.Engine.Netlink;
using MigrationTools.Engine.Netlink.Route;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using MigrationTools.Engine.Processes;
using MigrationTools.Engine.Reporting;
using MigrationTools.Engine.State;
using MigrationTools.Engine.Tools;
using MigrationTools.Engine.Validation;

namespace MigrationTools.Engine.Tunnels;

/// <summary>What <see cref="TunnelManager.Set"/> asks for.</summary>
public sealed record IpipTunnelSpec(string Namespace, string Name, IPAddress Local, IPAddress Remote, int Ttl, int Tos, int? Mtu, TunnelMode Mode);
