using System;
using System.IO;
using System.Linq;
using System.Text;
using MigrationTools.Analysis.Quic;
using MigrationTools.Core.Errors;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>NSS key log lines (SSLKEYLOGFILE), files that grow while read, and secrets blocks of pcapng captures.</summary>
public sealed class KeyLogTests : IDisposable
{
    private static readonly string Random = string.Concat(Enumerable.Repeat("ab", 32));
    private static readonly string Other = string.Concat(Enumerable.Repeat("cd", 32));
    private static readonly string Secret32 = string.Concat(Enumerable.Repeat("11", 32));
    private static readonly string Secret48 = string.Concat(Enumerable.Repeat("22", 48));
    private readonly string _directory = Directory.CreateTempSubdirectory("keylog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Bytes(string hex) => Convert.FromHexString(hex);

    [Fact]
    public void ReadsTheFourTrafficSecretsOfAClientRandom()
    {
        var log = new KeyLog();
        log.AddText($"CLIENT_HANDSHAKE_TRAFFIC_SECRET {Random} {Secret32}\nSERVER_HANDSHAKE_TRAFFIC_SECRET {Random} {Secret48}\n" +
                    $"CLIENT_TRAFFIC_SECRET_0 {Random} {Secret48}\nSERVER_TRAFFIC_SECRET_0 {Random} {Secret32}\n");

        var entry = Assert.Single(log.Entries);
        Assert.Equal(Random, entry.ClientRandom);
        Assert.Equal(Bytes(Secret32), entry.ClientHandshake);
        Assert.Equal(Bytes(Secret48), entry.ServerHandshake);
        Assert.Equal(Bytes(Secret48), entry.ClientTraffic);
        Assert.Equal(Bytes(Secret32), entry.ServerTraffic);
        Assert.Same(entry, log.Find(Bytes(Random)));
        Assert.Null(log.Find(Bytes(Other)));
        Assert.Equal(0, log.IgnoredLines);
        Assert.True(log.MayHaveKeys);
    }

    [Fact]
    public void AnUpperCaseRandomFindsTheSameEntryAndIsKeptInLowerCase()
    {
        var log = new KeyLog();
        log.AddText($"CLIENT_TRAFFIC_SECRET_0 {Random.ToUpperInvariant()} {Secret32}\nSERVER_TRAFFIC_SECRET_0 {Random} {Secret32}\n");

        var entry = Assert.Single(log.Entries);
        Assert.Equal(Random, entry.ClientRandom);
        Assert.NotNull(entry.ClientTraffic);
        Assert.NotNull(entry.ServerTraffic);
    }

    [Fact]
    public void CommentsBlankLinesAndLabelsOfOtherSecretsAreSkippedSilently()
    {
        var log = new KeyLog();
        log.AddText($"# a comment\n\n   \nCLIENT_RANDOM {Random} {Secret48}\nEXPORTER_SECRET {Random} {Secret32}\n" +
                    $"CLIENT_EARLY_TRAFFIC_SECRET {Random} {Secret32}\nEARLY_EXPORTER_SECRET {Random} {Secret32}\n");

        Assert.Empty(log.Entries);
        Assert.Equal(0, log.IgnoredLines);
        Assert.False(log.MayHaveKeys);
    }

    [Theory]
    [InlineData("CLIENT_TRAFFIC_SECRET_0 {R}", "not three fields (label, client random, secret)")]
    [InlineData("CLIENT_TRAFFIC_SECRET_0 {R} {S} extra", "not three fields (label, client random, secret)")]
    [InlineData("CLIENT_TRAFFIC_SECRET_0 abab {S}", "the client random is not 32 bytes of hex")]
    [InlineData("CLIENT_TRAFFIC_SECRET_0 {Z} {S}", "the client random is not 32 bytes of hex")]
    [InlineData("CLIENT_TRAFFIC_SECRET_0 {R} 11", "the secret is not 32 or 48 bytes of hex")]
    [InlineData("CLIENT_TRAFFIC_SECRET_0 {R} {S}11", "the secret is not 32 or 48 bytes of hex")]
    [InlineData("CLIENT_TRAFFIC_SECRET_0 {R} zz", "the secret is not 32 or 48 bytes of hex")]
    [InlineData("CLIENT_TRAFFIC_SECRET_1 {R} {S}", "unknown label 'CLIENT_TRAFFIC_SECRET_1'")]
    public void ALineThatIsNotASecretIsCountedWithItsPlaceAndReason(string template, string reason)
    {
        var line = template.Replace("{R}", Random).Replace("{S}", Secret32).Replace("{Z}", new string('z', 64));
        var log = new KeyLog();
        log.AddText($"# header\n{line}\n", "keys.txt");

        Assert.Equal(1, log.IgnoredLines);
        Assert.Equal($"keys.txt line 2: {reason}", Assert.Single(log.IgnoredExamples));
    }

    [Fact]
    public void OnlyTheFirstThreeIgnoredLinesAreGivenAsExamples()
    {
        var log = new KeyLog();
        log.AddText(string.Concat(Enumerable.Range(0, 5).Select(_ => "nonsense\n")));

        Assert.Equal(5, log.IgnoredLines);
        Assert.Equal(3, log.IgnoredExamples.Count);
    }

    [Fact]
    public void AFileThatGrowsIsReadAgainAndItsUnfinishedLastLineWaits()
    {
        var path = Path.Combine(_directory, "keys.log");
        File.WriteAllText(path, $"CLIENT_TRAFFIC_SECRET_0 {Random} {Secret32}\nnonsense\nSERVER_TRAFFIC_SECRET_0 {Random} {Secret32[..10]}");
        var log = KeyLog.Load(new[] { path });

        // The last line is still being written: not read, not counted.
        Assert.Null(Assert.Single(log.Entries).ServerTraffic);
        Assert.Equal(1, log.IgnoredLines);

        File.WriteAllText(path, $"CLIENT_TRAFFIC_SECRET_0 {Random} {Secret32}\nnonsense\nSERVER_TRAFFIC_SECRET_0 {Random} {Secret32}\n");
        System.Threading.Thread.Sleep(150);
        var entry = log.Find(Bytes(Random));

        Assert.NotNull(entry?.ServerTraffic);
        Assert.Equal(1, log.IgnoredLines); // the bad line was not counted twice
        Assert.Contains(path, log.IgnoredExamples.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFileOrADirectoryIsKeyLogUnreadable()
    {
        var missing = Assert.Throws<MigrationToolsException>(() => KeyLog.Load(new[] { Path.Combine(_directory, "none") }));
        Assert.Equal(("KeyLogUnreadable", FailureKind.ObjectNotFound), (missing.ErrorId, missing.Kind));
        var directory = Assert.Throws<MigrationToolsException>(() => KeyLog.Load(new[] { _directory }));
        Assert.Equal(("KeyLogUnreadable", FailureKind.InvalidArgument), (directory.ErrorId, directory.Kind));
    }

    [Fact]
    public void SecretsBlocksOfTheTlsKeyLogTypeAreAddedAndOthersAreNot()
    {
        var log = new KeyLog();
        var data = Encoding.UTF8.GetBytes($"CLIENT_TRAFFIC_SECRET_0 {Random} {Secret32}\nbad line\n");

        Assert.False(log.AddSecretsBlock(0x57474b4c, data, "x.pcapng")); // WireGuard keys: not ours
        Assert.Equal(0, log.SecretsBlocks);
        Assert.True(log.AddSecretsBlock(0x544c534b, data, "x.pcapng"));
        Assert.Equal(1, log.SecretsBlocks);
        Assert.Single(log.Entries);
        Assert.Equal("x.pcapng (decryption secrets block) line 2: not three fields (label, client random, secret)", Assert.Single(log.IgnoredExamples));
    }

    [Fact]
    public void ToTextWritesEverySecretBackInTheSameFormat()
    {
        var log = new KeyLog();
        var text = $"CLIENT_HANDSHAKE_TRAFFIC_SECRET {Random} {Secret32}\nSERVER_HANDSHAKE_TRAFFIC_SECRET {Random} {Secret32}\n" +
                   $"CLIENT_TRAFFIC_SECRET_0 {Random} {Secret48}\nSERVER_TRAFFIC_SECRET_0 {Random} {Secret48}\nCLIENT_TRAFFIC_SECRET_0 {Other} {Secret32}\n";
        log.AddText(text);

        Assert.Equal(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(), log.ToText().Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        var again = new KeyLog();
        again.AddText(log.ToText());
        Assert.Equal(2, again.Entries.Count);
    }

    [Fact]
    public void AFilesLastLineWithoutANewlineIsRead()
    {
        var path = Path.Combine(_directory, "keys.log");
        File.WriteAllText(path, $"CLIENT_TRAFFIC_SECRET_0 {Random} {Secret32}\nSERVER_TRAFFIC_SECRET_0 {Random} {Secret48}");

        var log = KeyLog.Load(new[] { path });

        Assert.Equal(Bytes(Secret48), Assert.Single(log.Entries).ServerTraffic);
        Assert.Equal(0, log.IgnoredLines);
    }

    [Fact]
    public void AnOverlongLineIsCountedAndSkippedAndTheRestIsRead()
    {
        var path = Path.Combine(_directory, "keys.log");
        File.WriteAllText(path, $"CLIENT_TRAFFIC_SECRET_0 {Random} {Secret32}\n{new string('a', 5_000_000)}\nSERVER_TRAFFIC_SECRET_0 {Random} {Secret48}\n");

        var log = KeyLog.Load(new[] { path });

        Assert.Equal(1, log.IgnoredLines);
        Assert.Contains($"line 2: longer than {KeyLog.MaxLineLength} characters", Assert.Single(log.IgnoredExamples), StringComparison.Ordinal);
        Assert.Equal(Bytes(Secret48), Assert.Single(log.Entries).ServerTraffic);
    }

    [Theory]
    [InlineData("/dev/zero", "a device node")]
    [InlineData("fifo", "a FIFO")]
    public void ADeviceOrAFifoIsRefusedAtOnce(string path, string kind)
    {
        if (path == "fifo")
        {
            path = Path.Combine(_directory, "keys.fifo");
            Root.TestNamespaces.Run("mkfifo", path);
        }

        var thrown = Assert.Throws<MigrationToolsException>(() => KeyLog.Load(new[] { path }));

        Assert.Equal("KeyLogUnreadable", thrown.ErrorId);
        Assert.Contains($"is {kind}, not a regular file", thrown.Message, StringComparison.Ordinal);
    }
}
