namespace MigrationTools.Core.Reporting;

/// <summary>One progress update of a long operation.</summary>
/// <param name="Activity">What runs, e.g. "Building lab diamond".</param>
/// <param name="Status">Where it is, e.g. "link 3 of 12".</param>
/// <param name="PercentComplete">0 to 100, or -1 when unknown.</param>
/// <param name="Completed">True on the last update of the activity.</param>
internal sealed record ProgressReport(string Activity, string Status, int PercentComplete, bool Completed = false);
