using System;
using System.IO;
using MigrationTools.Core.Interop;
using Xunit;

namespace MigrationTools.Engine.Tests;

/// <summary>Descriptors the module owns: closed once, and not while a call still holds them.</summary>
public sealed class FileDescriptorTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "mtx-fd-" + Guid.NewGuid().ToString("N"));

    public FileDescriptorTests() => File.WriteAllText(_path, "x");

    public void Dispose() => File.Delete(_path);

    /// <summary>What descriptor <paramref name="number"/> of this process is open on, read from /proc (not from the handle).</summary>
    private static string? Target(int number)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{number}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [Fact]
    public void DisposeClosesTheDescriptorOnceAndASecondDisposeClosesNothingElse()
    {
        var first = Libc.OpenOwned(_path, FileConstants.O_RDONLY | FileConstants.O_CLOEXEC, 0);
        int number = first.Number;
        Assert.Equal(_path, Target(number));

        first.Dispose();
        Assert.NotEqual(_path, Target(number));
        using var second = Libc.OpenOwned(_path, FileConstants.O_RDONLY | FileConstants.O_CLOEXEC, 0);
        first.Dispose();

        Assert.Equal(_path, Target(second.Number));
    }

    [Fact]
    public void ADescriptorHeldByACallIsClosedWhenTheCallReleasesIt()
    {
        var fd = Libc.OpenOwned(_path, FileConstants.O_RDONLY | FileConstants.O_CLOEXEC, 0);
        int number = fd.Number;
        bool added = false;
        fd.DangerousAddRef(ref added); // what the marshaller does for the length of a call

        fd.Dispose();
        Assert.Equal(_path, Target(number));

        fd.DangerousRelease();
        Assert.NotEqual(_path, Target(number));
    }

    [Fact]
    public void AFailedOpenIsAnInvalidDescriptorWithItsErrno()
    {
        using var fd = Libc.OpenOwned(_path + ".missing", FileConstants.O_RDONLY | FileConstants.O_CLOEXEC, 0);

        Assert.True(fd.IsInvalid);
        Assert.Equal(Errno.ENOENT, Libc.LastError);
    }
}
