using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using MigrationTools.Core.Errors;

namespace MigrationTools.Engine.Addressing;

/// <summary>IP address family, as users name it.</summary>
public enum IpFamily
{
    /// <summary>IPv4.</summary>
    IPv4 = 4,
    /// <summary>IPv6.</summary>
    IPv6 = 6,
}

/// <summary>An address with a prefix length, e.g. <c>fd00:ab::a/64</c> or <c>10.200.0.2/24</c>.</summary>
public readonly record struct IpPrefix(IPAddress Address, int PrefixLength)
{
    /// <summary>The address family.</summary>
    public IpFamily Family => FamilyOf(Address);

    /// <summary>The longest prefix for the family (32 or 128).</summary>
    public int MaxPrefixLength => Family == IpFamily.IPv4 ? 32 : 128;

    /// <summary>True for a host prefix (/32 or /128).</summary>
    public bool IsHost => PrefixLength == MaxPrefixLength;

    /// <summary>The network part: the address with host bits cleared.</summary>
    public IpPrefix Network
    {
        get
        {
            var bytes = Address.GetAddressBytes();
            for (var bit = PrefixLength; bit < bytes.Length * 8; bit++)
            {
                bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
            }

            return new IpPrefix(new IPAddress(bytes), PrefixLength);
        }
    }

    /// <summary>The family of <paramref name="address"/>.</summary>
    internal static IpFamily FamilyOf(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? IpFamily.IPv6 : IpFamily.IPv4;

    /// <summary>Parses <c>address[/prefix]</c>; a bare address is a host prefix.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out IpPrefix? prefix)
    {
        prefix = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        // IPAddress.TryParse accepts forms like "10" or "1.2.3"; require a dotted quad or a colon form.
        if (!LooksLikeAddress(addressText) || !IPAddress.TryParse(addressText, out var address) || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0))
        {
            return false;
        }

        var max = FamilyOf(address) == IpFamily.IPv4 ? 32 : 128;
        var length = max;
        if (slash >= 0)
        {
            var lengthText = text[(slash + 1)..];
            if (lengthText.Length == 0 || lengthText.Length > 3 || !int.TryParse(lengthText, System.Globalization.NumberStyles.None, null, out length) || length > max)
            {
                return false;
            }
        }

        prefix = new IpPrefix(address, length);
        return true;
    }

    /// <summary>Parses <c>address[/prefix]</c> or throws <c>InvalidIpPrefix</c>.</summary>
    internal static IpPrefix Parse(string? text, string what = "address")
    {
        if (TryParse(text, out var prefix))
        {
            return prefix.Value;
        }

        throw ErrorCatalog.InvalidIpPrefix($"'{text}' is not a valid {what}: expected an IPv4 or IPv6 address with an optional /prefix (e.g. 10.200.0.2/24 or fd00:ab::a/64).", text);
    }

    /// <summary>
    /// Parses an address given with its prefix length apart (as NetTCPIP's -IPAddress and -PrefixLength): the
    /// length joins a bare address; an address that carries its own length must carry the same one
    /// (<c>PrefixLengthConflict</c>). Without a length this is <see cref="Parse(string?, string)"/>.
    /// </summary>
    internal static IpPrefix Parse(string? text, int? prefixLength, string what = "address")
    {
        if (prefixLength is null)
        {
            return Parse(text, what);
        }

        if (text is null || !text.Contains('/'))
        {
            return Parse(text + "/" + prefixLength.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), what);
        }

        var prefix = Parse(text, what);
        if (prefix.PrefixLength != prefixLength)
        {
            throw ErrorCatalog.PrefixLengthConflict($"'{text}' carries the prefix length {prefix.PrefixLength}, but -PrefixLength says {prefixLength}.", text);
        }

        return prefix;
    }

    /// <summary>Parses a bare IP address (no prefix) or throws <c>InvalidIpAddress</c>.</summary>
    internal static IPAddress ParseAddress(string? text, string what = "address")
    {
        if (text is not null && !text.Contains('/') && TryParse(text, out var prefix))
        {
            return prefix.Value.Address;
        }

        throw ErrorCatalog.InvalidIpAddress($"'{text}' is not a valid {what}: expected an IPv4 or IPv6 address without a prefix.", text);
    }

    private static bool LooksLikeAddress(string text) =>
        text.Contains(':') || (text.Split('.').Length == 4 && !text.EndsWith('.'));

    /// <summary>True when <paramref name="address"/> is inside this prefix.</summary>
    internal bool Contains(IPAddress address) => FamilyOf(address) == Family && new IpPrefix(address, PrefixLength).Network == Network;

    /// <summary>The CIDR form, e.g. <c>10.0.0.1/24</c>.</summary>
    public override string ToString() => $"{Address}/{PrefixLength}";
}
