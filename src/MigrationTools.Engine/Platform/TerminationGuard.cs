using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace MigrationTools.Engine.Platform;

/// <summary>
/// While a command writes files, SIGTERM (what <c>timeout</c>, systemd and CI cancellation send) first stops the work
/// as Ctrl+C does and waits, a bounded time, for the files to be completed and renamed; then the process ends as it
/// would have. Without it the runtime would end the process with the outputs half written.
/// </summary>
internal sealed class TerminationGuard : IDisposable
{
    private readonly PosixSignalRegistration? _registration;
    private readonly ManualResetEventSlim _completed = new(false);

    /// <summary>Longest wait for the outputs after SIGTERM.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>On SIGTERM, <paramref name="stop"/> is called and the signal's default action waits for <see cref="Complete"/>.</summary>
    public TerminationGuard(Action stop)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        _registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ =>
        {
            stop();
            _completed.Wait(Grace);
        });
    }

    /// <summary>The outputs are complete: a SIGTERM handler waiting for them goes on.</summary>
    public void Complete() => _completed.Set();

    /// <inheritdoc />
    public void Dispose()
    {
        _completed.Set();
        _registration?.Dispose();
    }
}
