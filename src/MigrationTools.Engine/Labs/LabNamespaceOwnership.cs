using System;
using MigrationTools.Engine.Namespaces;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// Whether a namespace that exists under a lab's name is the lab's: its identity is the one the lab recorded, or the
/// lab recorded setting out to make it and the namespace was made within moments of that (the builder was killed
/// between making it and recording it). A namespace the lab never set out to make, or one made again later by
/// someone else, is not the lab's.
/// </summary>
internal static class LabNamespaceOwnership
{
    /// <summary>How soon after the recorded intent a namespace must have been made to be the one the build made.</summary>
    internal static readonly TimeSpan IntentWindow = TimeSpan.FromSeconds(5);

    /// <summary>Now, as the kernel stamps namespace files: nanoseconds since the epoch.</summary>
    internal static long Now() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

    internal static bool IsOwned(LabNamespace recorded, NetNsIdentity live)
    {
        if (recorded.Identity is not null)
        {
            return recorded.Identity == live.ToString();
        }

        return recorded.IntendedAt is { } intended && live.Created >= intended - 1_000_000_000L && live.Created <= intended + (IntentWindow.Ticks * 100);
    }
}
