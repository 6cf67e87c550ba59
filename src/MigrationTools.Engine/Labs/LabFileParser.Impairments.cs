using System.Collections;
using System.Linq;
using MigrationTools.Engine.Netlink.Route;

namespace MigrationTools.Engine.Labs;

/// <summary>The impairment keys of lab links (netem settings per end).</summary>
internal static partial class LabFileParser
{
    private sealed partial class Reader
    {
        /// <summary>
        /// What each end of a link sends is done to: the link's own DelayMs, JitterMs, LossPercent, DuplicatePercent
        /// and ReorderPercent for both directions, overridden per end by Impairments = @{...}, @{...} (in the order of
        /// Endpoints); null for an end with none.
        /// </summary>
        public NetemSettings?[] LinkImpairments(IDictionary item, string path)
        {
            var shared = Impairment(item, path, null);
            var result = new NetemSettings?[] { shared, shared };
            if (!TryGet(item, "Impairments", out var value) || value is null)
            {
                return result;
            }

            var ends = (value as IEnumerable)?.Cast<object?>().ToArray();
            if (ends is not { Length: 2 } || ends.Any(e => e is not IDictionary))
            {
                throw Fail(At(path, "Impairments"), "two hashtables, one per endpoint in the order of Endpoints, e.g. @{ DelayMs = 20 }, @{}");
            }

            for (var i = 0; i < 2; i++)
            {
                var end = (IDictionary)ends[i]!;
                var endPath = $"{At(path, "Impairments")}[{i}]";
                KnownKeys(end, ImpairmentKeys, endPath);
                result[i] = Impairment(end, endPath, shared);
            }

            return result;
        }

        private NetemSettings? Impairment(IDictionary data, string path, NetemSettings? defaults)
        {
            var delay = OptionalNumber(data, "DelayMs", path, 0, 60000) ?? defaults?.DelayMs ?? 0;
            var jitter = OptionalNumber(data, "JitterMs", path, 0, 60000) ?? defaults?.JitterMs ?? 0;
            var loss = OptionalNumber(data, "LossPercent", path, 0, 100) ?? defaults?.LossPercent ?? 0;
            var duplicate = OptionalNumber(data, "DuplicatePercent", path, 0, 100) ?? defaults?.DuplicatePercent ?? 0;
            var reorder = OptionalNumber(data, "ReorderPercent", path, 0, 100) ?? defaults?.ReorderPercent ?? 0;
            if (jitter > 0 && delay <= 0)
            {
                throw Fail(At(path, "JitterMs"), "jitter varies a delay: give DelayMs too");
            }

            return delay + jitter + loss + duplicate + reorder == 0 ? null : new NetemSettings(delay, jitter, loss, duplicate, reorder);
        }

        public double? OptionalNumber(IDictionary data, string key, string path, double minimum, double maximum)
        {
            if (!TryGet(data, key, out var value) || value is null)
            {
                return null;
            }

            var number = value switch
            {
                int i => i,
                long l => l,
                double d => d,
                decimal m => (double)m,
                byte b => b,
                short s => s,
                _ => throw Fail(At(path, key), "expected a number"),
            };
            return number < minimum || number > maximum || double.IsNaN(number) ? throw Fail(At(path, key), $"{number.ToString(System.Globalization.CultureInfo.InvariantCulture)} is out of range ({minimum} to {maximum})") : number;
        }
    }
}
