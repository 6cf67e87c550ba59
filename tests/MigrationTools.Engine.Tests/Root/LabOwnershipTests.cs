using System;
using System.IO;
using System.Linq;
using MigrationTools.Core.Errors;
using MigrationTools.Engine.Labs;
using MigrationTools.Engine.Namespaces;
using MigrationTools.Engine.Platform;
using Xunit;

namespace MigrationTools.Engine.Tests.Root;

/// <summary>
/// A lab removes only what it recorded making: namespaces made by hand under its names survive its removal and its
/// rollback, two builds with one prefix exclude each other, and a corrupt record is an error that hides no other lab.
/// iproute2, not the engine, says which namespaces exist.
/// </summary>
[Collection(RootCollection.Name)]
public sealed class LabOwnershipTests : IDisposable
{
    private readonly TestNamespaces _namespaces = new();

    private static bool Exists(string name) => TestNamespaces.Run("ip", "netns", "list").Split('\n').Any(l => l.Split(' ')[0] == name);

    private static LabDefinition TwoNodes(string labName) => LabFileParser.Parse(
        new System.Collections.Hashtable
        {
            ["Name"] = labName,
            ["Nodes"] = new System.Collections.Hashtable { ["h1"] = new System.Collections.Hashtable(), ["h2"] = new System.Collections.Hashtable(), ["h3"] = new System.Collections.Hashtable() },
            ["Links"] = new object[] { new System.Collections.Hashtable { ["Endpoints"] = new object[] { "h1:eth0", "h2:eth0" } } },
        },
        "test");

    private static LabState Record(string name, string prefix, params LabNamespace[] namespaces) =>
        new(name, prefix, "test", TwoNodes(name), DateTime.UtcNow, int.MaxValue - 1, 0, true, 0, namespaces);

    [RootFact]
    public void EachNamespaceIsRecordedWithItsIdentityBeforeItsBuilderThreadGoesOn()
    {
        var name = _namespaces.Prefix + "journal";
        var seen = new System.Collections.Generic.List<(int Hits, int Recorded)>();
        FaultPoints.Hit = point =>
        {
            if (point == "lab-namespace-made")
            {
                lock (seen)
                {
                    // What a builder killed right here leaves on disk: at least every namespace made so far, with its identity.
                    seen.Add((seen.Count + 1, LabStore.Read(name)!.Namespaces.Count(n => n.Identity is not null)));
                    if (seen.Count == 2)
                    {
                        throw new InvalidOperationException("killed");
                    }
                }
            }
        };

        Assert.Throws<InvalidOperationException>(() => LabManager.Build(TwoNodes("journal"), name, _namespaces.Prefix, "test", null));

        Assert.True(seen.Count >= 2);
        Assert.All(seen, s => Assert.True(s.Recorded >= s.Hits, $"{s.Recorded} identities recorded when {s.Hits} namespaces were made"));
        Assert.False(Exists(_namespaces.Prefix + "h1"));
        Assert.False(Exists(_namespaces.Prefix + "h2"));
        Assert.False(Exists(_namespaces.Prefix + "h3"));
        Assert.Null(LabStore.Read(name));
    }

    [RootFact]
    public void RemoveLeavesNamespacesTheLabNeverMadeOrThatWereMadeAgainByHand()
    {
        var name = _namespaces.Prefix + "owned";
        var ours = _namespaces.Add("h1");
        var neverMade = _namespaces.Add("h2");
        var remade = _namespaces.Add("h3");
        var oldIdentity = NetNsLookup.IdentityOf(remade).ToString();
        TestNamespaces.Ip("netns", "del", remade);
        TestNamespaces.Ip("netns", "add", remade);
        LabStore.Write(Record(name, _namespaces.Prefix,
            new LabNamespace("h1", ours, NetNsLookup.IdentityOf(ours).ToString()),
            new LabNamespace("h2", neverMade, null),
            new LabNamespace("h3", remade, oldIdentity)));

        LabManager.Remove(name);

        Assert.False(Exists(ours));
        Assert.True(Exists(neverMade));
        Assert.True(Exists(remade));
        Assert.Null(LabStore.Read(name));
    }

    [RootFact]
    public void ASecondBuildWithTheSamePrefixIsRefusedAndTouchesNothingOfTheFirst()
    {
        var first = _namespaces.Prefix + "first";
        // The first build has written its record and not made its namespaces yet.
        LabStore.Write(Record(first, _namespaces.Prefix,
            new LabNamespace("h1", _namespaces.Prefix + "h1", null), new LabNamespace("h2", _namespaces.Prefix + "h2", null), new LabNamespace("h3", _namespaces.Prefix + "h3", null)));
        try
        {
            var thrown = Assert.Throws<MigrationToolsException>(() => LabManager.Build(TwoNodes("second"), _namespaces.Prefix + "second", _namespaces.Prefix, "test", null));

            Assert.Equal("LabNamespaceExists", thrown.ErrorId);
            Assert.Contains(first, thrown.Message, StringComparison.Ordinal);
            Assert.NotNull(LabStore.Read(first));
            Assert.Null(LabStore.Read(_namespaces.Prefix + "second"));
        }
        finally
        {
            LabStore.Delete(first);
        }
    }

    [RootFact]
    public void CorruptRecordsAreErrorsNamingTheFileAndHideNoOtherLab()
    {
        var good = _namespaces.Prefix + "good";
        var outside = Directory.CreateTempSubdirectory("lab-outside-").FullName;
        var corrupt = new[] { ("empty", "{}"), ("path", $"{{\"Name\":\"../../../{Path.GetFileName(outside)}\",\"Prefix\":\"\",\"Source\":\"x\",\"Definition\":{{}},\"Namespaces\":[]}}"), ("nullns", "{\"Name\":\"NAME\",\"Prefix\":\"\",\"Source\":\"x\",\"Definition\":{},\"Namespaces\":[null]}") };
        LabStore.Write(Record(good, _namespaces.Prefix));
        try
        {
            foreach (var (suffix, json) in corrupt)
            {
                var name = _namespaces.Prefix + suffix;
                Directory.CreateDirectory(Path.GetDirectoryName(LabStore.FileOf(name))!);
                File.WriteAllText(LabStore.FileOf(name), json.Replace("NAME", name, StringComparison.Ordinal));
            }

            Assert.Contains(LabManager.List(), l => l.Name == good);
            foreach (var (suffix, _) in corrupt)
            {
                var name = _namespaces.Prefix + suffix;
                var thrown = Assert.Throws<MigrationToolsException>(() => LabManager.Remove(name));
                Assert.Equal("LabRecordCorrupt", thrown.ErrorId);
                Assert.Equal(FailureKind.InvalidData, thrown.Kind);
                Assert.Contains(LabStore.FileOf(name), thrown.Message, StringComparison.Ordinal);
            }

            Assert.True(Directory.Exists(outside));
        }
        finally
        {
            foreach (var (suffix, _) in corrupt)
            {
                LabStore.Delete(_namespaces.Prefix + suffix);
            }

            LabStore.Delete(good);
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void ANamespaceWithoutARecordedIdentityIsTheLabsOnlyWhenMadeRightAfterTheRecordedIntent()
    {
        const long Second = 1_000_000_000L;
        var intended = LabNamespaceOwnership.Now();
        var madeThen = new NetNsIdentity(4, 4026532000, intended + (Second / 10));
        var madeLater = new NetNsIdentity(4, 4026532000, intended + (60 * Second));

        Assert.True(LabNamespaceOwnership.IsOwned(new LabNamespace("h1", "x-h1", null, intended), madeThen));
        Assert.False(LabNamespaceOwnership.IsOwned(new LabNamespace("h1", "x-h1", null, intended), madeLater));
        Assert.False(LabNamespaceOwnership.IsOwned(new LabNamespace("h1", "x-h1", null), madeThen));
        Assert.True(LabNamespaceOwnership.IsOwned(new LabNamespace("h1", "x-h1", madeThen.ToString()), madeThen));
        Assert.False(LabNamespaceOwnership.IsOwned(new LabNamespace("h1", "x-h1", madeLater.ToString()), madeThen));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        FaultPoints.Hit = null;
        _namespaces.Dispose();
    }
}
