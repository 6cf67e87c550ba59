using System;
using System.IO;
using System.Linq;
using MigrationTools.Analysis.Quic;
using MigrationTools.Core.Errors;
using MigrationTools.Core.Files;
using MigrationTools.Engine.Tests.Root;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>
/// Output paths cannot be abused: a device node, a FIFO, a directory or a planted symbolic link at an output name is
/// refused and left as it was; a regular file is replaced only when replacing is meant. The file system is inspected
/// with File and stat(1), not with the code under test.
/// </summary>
public sealed class OutputFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("output-files-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Run(string program, params string[] arguments) => TestNamespaces.Run(program, arguments).Trim();

    private static string TypeOf(string path) => Run("stat", "-c", "%F", path);

    private string Planted(string kind)
    {
        var path = Path.Combine(_directory, "target-" + kind);
        switch (kind)
        {
            case "device":
                Run("mknod", path, "c", "1", "3"); // the null device's numbers
                break;
            case "fifo":
                Run("mkfifo", path);
                break;
            case "directory":
                Directory.CreateDirectory(path);
                break;
            case "link":
                File.WriteAllText(Path.Combine(_directory, "victim"), "precious");
                File.CreateSymbolicLink(path, Path.Combine(_directory, "victim"));
                break;
        }

        return path;
    }

    [Theory]
    [InlineData("device", "character special file")]
    [InlineData("fifo", "fifo")]
    [InlineData("directory", "directory")]
    [InlineData("link", "symbolic link")]
    public void ATargetThatIsNotARegularFileIsRefusedAndLeftAsItWas(string kind, string statType)
    {
        if (kind == "device" && Environment.UserName != "root")
        {
            return; // mknod needs root; CI runs as root
        }

        var path = Planted(kind);

        var thrown = Assert.Throws<MigrationToolsException>(() => OutputFiles.WriteText(path, "new", overwrite: true, "-OutFile"));

        Assert.Equal("OutFileInvalid", thrown.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, thrown.Kind);
        Assert.Equal(statType, TypeOf(path));
        if (kind == "link")
        {
            Assert.Equal("precious", File.ReadAllText(Path.Combine(_directory, "victim")));
        }

        Assert.Single(Directory.GetFileSystemEntries(_directory), e => !e.EndsWith("victim", StringComparison.Ordinal));
    }

    [Fact]
    public void ARegularFileIsReplacedOnlyWhenReplacingIsMeant()
    {
        var path = Path.Combine(_directory, "lab.psd1");
        File.WriteAllText(path, "old");

        var thrown = Assert.Throws<MigrationToolsException>(() => OutputFiles.WriteText(path, "new", overwrite: false, "-Path"));
        Assert.Equal("OutFileExists", thrown.ErrorId);
        Assert.Equal("old", File.ReadAllText(path));

        OutputFiles.WriteText(path, "new", overwrite: true, "-Path");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void AStreamedOutputNeverFollowsALinkPlantedAtItsName()
    {
        var path = Planted("link");

        Assert.Throws<MigrationToolsException>(() => OutputFiles.Replace(path, overwrite: true, "-QlogOutDirectory", ownerOnly: false));

        Assert.Equal("precious", File.ReadAllText(Path.Combine(_directory, "victim")));
    }

    [Fact]
    public void AFileReopenedForAppendingRefusesALinkThatTookItsPlace()
    {
        var path = Path.Combine(_directory, "trace.sqlog");
        OutputFiles.CreateNew(path, ownerOnly: false).Dispose();
        File.Delete(path);
        File.WriteAllText(Path.Combine(_directory, "victim"), "precious");
        File.CreateSymbolicLink(path, Path.Combine(_directory, "victim"));

        Assert.Throws<MigrationToolsException>(() => OutputFiles.OpenAppend(path));

        Assert.Equal("precious", File.ReadAllText(Path.Combine(_directory, "victim")));
    }

    [Fact]
    public void TheCaptureExportAndTheTimelineRefuseADeviceNode()
    {
        if (Environment.UserName != "root")
        {
            return;
        }

        var device = Planted("device");

        Assert.Equal("OutFileInvalid", Assert.Throws<MigrationToolsException>(() => new CaptureExport(device)).ErrorId);
        using var run = QuicProbeFiles.NewRun(new QuicProbeOptions());
        run.RecordTimeline();
        Assert.Equal("OutFileInvalid", Assert.Throws<MigrationToolsException>(() => run.WriteTimeline(device, "t")).ErrorId);
        Assert.Equal("character special file", TypeOf(device));
    }

    [Fact]
    public async System.Threading.Tasks.Task AFifoGivenAsACaptureOrAQlogIsRefusedAtOnceNotWaitedOn()
    {
        var fifo = Planted("fifo");
        var run = QuicProbeFiles.NewRun(new QuicProbeOptions());

        // A FIFO with no writer would block the read forever; it is refused before it is opened.
        var read = System.Threading.Tasks.Task.Run(() => QuicProbeFiles.ReadFiles(new[] { fifo }, run).ToList());
        Assert.Same(read, await System.Threading.Tasks.Task.WhenAny(read, System.Threading.Tasks.Task.Delay(TimeSpan.FromSeconds(20))));
        Assert.Equal("CaptureUnreadable", Assert.Single(run.FileErrors).ErrorId);
        Assert.Contains("is a FIFO", run.FileErrors[0].Message, StringComparison.Ordinal);
        Assert.Equal("QlogUnreadable", Assert.Throws<MigrationToolsException>(() => QlogReader.ReadPathFrames(new[] { fifo })).ErrorId);
    }
}
