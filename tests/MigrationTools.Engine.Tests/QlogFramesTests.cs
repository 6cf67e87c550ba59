using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using MigrationTools.Analysis.Quic;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Frames written as qlog frame objects (the QUIC event definitions' names and fields that qvis reads), from frame
/// bytes encoded here by hand (RFC 9000 section 19) and read back with System.Text.Json.
/// </summary>
public sealed class QlogFramesTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty));

    private static JsonElement[] Frames(string hex)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            QlogFrames.Write(json, Hex(hex));
            json.WriteEndObject();
        }

        using var document = JsonDocument.Parse(stream.ToArray());
        return document.RootElement.GetProperty("frames").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static JsonElement One(string hex) => Assert.Single(Frames(hex));

    [Theory]
    [InlineData("01", "ping")]
    [InlineData("04 01 02 03", "reset_stream")]
    [InlineData("05 01 02", "stop_sending")]
    [InlineData("07 04 aabbccdd", "new_token")]
    [InlineData("14 0b", "data_blocked")]
    [InlineData("15 08 0c", "stream_data_blocked")]
    [InlineData("16 0d", "streams_blocked")]
    [InlineData("17 0e", "streams_blocked")]
    [InlineData("1e", "handshake_done")]
    [InlineData("30 aa", "datagram")]
    [InlineData("31 01 aa", "datagram")]
    public void NamesEachFrameType(string hex, string name)
    {
        Assert.Equal(name, One(hex).GetProperty("frame_type").GetString());
    }

    [Fact]
    public void PaddingIsOneFrameWithItsLength()
    {
        var padding = One("00 00 00 00 00");
        Assert.Equal("padding", padding.GetProperty("frame_type").GetString());
        Assert.Equal(5, padding.GetProperty("length").GetInt32());
    }

    [Fact]
    public void AnAckListsItsRangesSmallestFirstAndOneNumberForASinglePacket()
    {
        // Largest 10, delay 3, one more range, first range 2 (8..10), gap 1, range 0 (5..5).
        var ack = One("02 0a 03 01 02 01 00");
        Assert.Equal("ack", ack.GetProperty("frame_type").GetString());
        Assert.Equal(3, ack.GetProperty("ack_delay").GetInt32());
        var ranges = ack.GetProperty("acked_ranges").EnumerateArray().Select(r => r.EnumerateArray().Select(n => n.GetInt32()).ToArray()).ToArray();
        Assert.Equal(new[] { new[] { 8, 10 }, new[] { 5 } }, ranges);
        Assert.Equal("ack", One("03 0a 03 00 02 01 02 03").GetProperty("frame_type").GetString()); // with ECN counts
    }

    [Fact]
    public void AStreamFrameGivesItsIdOffsetLengthAndFin()
    {
        // Type 0x0f: offset, length and fin present; stream 4, offset 1024, 3 bytes.
        var stream = One("0f 04 4400 03 616263");
        Assert.Equal("stream", stream.GetProperty("frame_type").GetString());
        Assert.Equal(4, stream.GetProperty("stream_id").GetInt32());
        Assert.Equal(1024, stream.GetProperty("offset").GetInt32());
        Assert.Equal(3, stream.GetProperty("length").GetInt32());
        Assert.True(stream.GetProperty("fin").GetBoolean());
        Assert.False(One("0a 04 01 61").GetProperty("fin").GetBoolean());
    }

    [Fact]
    public void ACryptoFrameGivesItsOffsetAndLength()
    {
        var crypto = One("06 4010 02 aabb");
        Assert.Equal("crypto", crypto.GetProperty("frame_type").GetString());
        Assert.Equal(16, crypto.GetProperty("offset").GetInt32());
        Assert.Equal(2, crypto.GetProperty("length").GetInt32());
    }

    [Fact]
    public void NewAndRetiredConnectionIdsGiveTheirFields()
    {
        var issued = One("18 05 02 04 a1b2c3d4 0f0e0d0c0b0a09080706050403020100");
        Assert.Equal("new_connection_id", issued.GetProperty("frame_type").GetString());
        Assert.Equal(5, issued.GetProperty("sequence_number").GetInt32());
        Assert.Equal(2, issued.GetProperty("retire_prior_to").GetInt32());
        Assert.Equal(4, issued.GetProperty("connection_id_length").GetInt32());
        Assert.Equal("a1b2c3d4", issued.GetProperty("connection_id").GetString());
        Assert.Equal("0f0e0d0c0b0a09080706050403020100", issued.GetProperty("stateless_reset_token").GetString());

        var retired = One("19 07");
        Assert.Equal("retire_connection_id", retired.GetProperty("frame_type").GetString());
        Assert.Equal(7, retired.GetProperty("sequence_number").GetInt32());
    }

    [Fact]
    public void PathFramesGiveTheirDataInHex()
    {
        var frames = Frames("1a 0123456789abcdef 1b fedcba9876543210");
        Assert.Equal(new[] { "path_challenge", "path_response" }, frames.Select(f => f.GetProperty("frame_type").GetString()));
        Assert.Equal(new[] { "0123456789abcdef", "fedcba9876543210" }, frames.Select(f => f.GetProperty("data").GetString()));
    }

    [Fact]
    public void ConnectionClosesNameTheirErrorSpace()
    {
        var transport = One("1c 0a 06 00");
        Assert.Equal("connection_close", transport.GetProperty("frame_type").GetString());
        Assert.Equal("transport", transport.GetProperty("error_space").GetString());
        Assert.Equal(10, transport.GetProperty("error_code").GetInt32());

        var application = One("1d 4100 00");
        Assert.Equal("application", application.GetProperty("error_space").GetString());
        Assert.Equal(256, application.GetProperty("error_code").GetInt32());
    }

    [Theory]
    [InlineData("10 4400", "max_data", 1024)]
    [InlineData("11 04 4400", "max_stream_data", 1024)]
    [InlineData("12 09", "max_streams", 9)]
    [InlineData("13 0a", "max_streams", 10)]
    public void FlowControlLimitsGiveTheirMaximum(string hex, string name, int maximum)
    {
        var frame = One(hex);
        Assert.Equal(name, frame.GetProperty("frame_type").GetString());
        Assert.Equal(maximum, frame.GetProperty("maximum").GetInt32());
    }

    [Fact]
    public void AFrameTypeItDoesNotKnowEndsTheListWithoutFault()
    {
        var frames = Frames("01 3f");
        Assert.Equal("ping", frames[0].GetProperty("frame_type").GetString());
        Assert.True(frames.Length <= 2);
        Assert.All(frames.Skip(1), f => Assert.Equal("unknown", f.GetProperty("frame_type").GetString()));
    }

    [Fact]
    public void HexIsLowerCaseTwoDigitsPerByte()
    {
        var output = new byte[6];
        QlogFrames.WriteHex(new byte[] { 0x00, 0x0f, 0xa0 }, output);
        Assert.Equal("000fa0", System.Text.Encoding.ASCII.GetString(output));
        Assert.Equal("00ff", QlogFrames.Hex(new byte[] { 0x00, 0xff }));
    }
}
