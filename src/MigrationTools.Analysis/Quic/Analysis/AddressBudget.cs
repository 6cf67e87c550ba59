namespace MigrationTools.Analysis.Quic;

/// <summary>
/// What a server received from one client address and sent to it (UDP payload bytes, every datagram of the connection
/// from the first): before it validates the address it may send at most three times what it received (RFC 9000
/// section 8.1).
/// </summary>
internal sealed class AddressBudget
{
    public long Received { get; set; }
    public long Sent { get; set; }
    /// <summary>Client datagrams from the address that could not be read (they may have validated it).</summary>
    public long UnreadableReceived { get; set; }
    /// <summary>The client's Initial carried a token: the server may have validated the address with it (section 8.1.3).</summary>
    public bool TokenSeen { get; set; }
    public bool Reported { get; set; }
}
