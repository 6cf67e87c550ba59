namespace MigrationTools.Core.Interop;

/// <summary>Signal and process-control constants (signal.h, sys/prctl.h), by their C names.</summary>
internal static class ProcessConstants
{
    internal const int SIGKILL = 9;
    internal const int SIGTERM = 15;

    internal const int PR_SET_PDEATHSIG = 1;
}
