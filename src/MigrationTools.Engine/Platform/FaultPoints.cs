using System;

namespace MigrationTools.Engine.Platform;

/// <summary>
/// Named points between the steps of multi-step changes, where tests make the next step fail to prove that what was
/// already made is undone. Nothing is set outside tests.
/// </summary>
internal static class FaultPoints
{
    /// <summary>Called with the point's name at each point; a test sets it to throw at the point it tests.</summary>
    internal static Action<string>? Hit { get; set; }

    /// <summary>Marks a point.</summary>
    internal static void Reach(string point) => Hit?.Invoke(point);
}
