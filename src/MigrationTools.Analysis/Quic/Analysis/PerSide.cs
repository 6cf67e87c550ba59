namespace MigrationTools.Analysis.Quic;

/// <summary>One value per end of a connection, indexed by <see cref="Side"/>.</summary>
internal sealed class PerSide<T>
{
    private T _client;
    private T _server;

    internal PerSide(T client, T server)
    {
        _client = client;
        _server = server;
    }

    internal PerSide()
        : this(default!, default!)
    {
    }

    internal T this[Side side]
    {
        get => side == Side.Client ? _client : _server;
        set
        {
            if (side == Side.Client)
            {
                _client = value;
            }
            else
            {
                _server = value;
            }
        }
    }
}
