using System;
using System.Buffers.Binary;

namespace MigrationTools.Engine.Netlink;

/// <summary>Iterates attributes; malformed lengths end the iteration rather than throwing.</summary>
internal ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _rest;

    internal NetlinkAttributeReader(ReadOnlySpan<byte> buffer)
    {
        _rest = buffer;
        Current = default;
    }

    public NetlinkAttribute Current { get; private set; }

    public readonly NetlinkAttributeReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (length < 4 || length > _rest.Length)
        {
            _rest = default;
            return false;
        }

        Current = new NetlinkAttribute(_rest[..length]);
        var aligned = Math.Min((length + 3) & ~3, _rest.Length);
        _rest = _rest[aligned..];
        return true;
    }
}
