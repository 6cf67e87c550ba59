using System;
using System.Buffers.Binary;

namespace MigrationTools.Engine.Netlink;

/// <summary>Iterates the messages of a received buffer; stops at a truncated message instead of overrunning.</summary>
internal ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _rest;

    internal NetlinkMessageReader(ReadOnlySpan<byte> buffer)
    {
        _rest = buffer;
        Current = default;
    }

    public NetlinkMessage Current { get; private set; }

    public readonly NetlinkMessageReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < Nl.HeaderLength)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
        if (length < Nl.HeaderLength || length > (uint)_rest.Length)
        {
            _rest = default;
            return false;
        }

        Current = new NetlinkMessage(_rest[..(int)length]);
        var aligned = Math.Min((int)((length + 3) & ~3u), _rest.Length);
        _rest = _rest[aligned..];
        return true;
    }
}
