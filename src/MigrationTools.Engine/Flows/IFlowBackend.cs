using System.Net;
using MigrationTools.Engine.Netlink;

namespace MigrationTools.Engine.Flows;

/// <summary>Keeps mappings of virtual to concrete addresses in the kernel of one namespace.</summary>
internal interface IFlowBackend
{
    /// <summary>Installs the mapping with its first target (creating the backend's table or chain if needed).</summary>
    void Add(string @namespace, IPAddress virtualAddress, IPAddress target);

    /// <summary>Removes the mapping, and the backend's table or chain when it was the last one.</summary>
    void Remove(string @namespace, IPAddress virtualAddress, bool lastMapping);

    /// <summary>The current target, or null when the mapping is not in the kernel.</summary>
    IPAddress? ReadCurrent(string @namespace, NetlinkSocket? socket, IPAddress virtualAddress);

    /// <summary>Atomically re-points the mapping: no moment without a matching rule.</summary>
    void Replace(string @namespace, NetlinkSocket? socket, IPAddress virtualAddress, IPAddress newTarget);

    /// <summary>True when the backend switches through netlink and wants a socket in the namespace.</summary>
    bool UsesNetlink { get; }
}
