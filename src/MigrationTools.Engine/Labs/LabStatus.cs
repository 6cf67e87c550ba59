namespace MigrationTools.Engine.Labs;

/// <summary>Where a lab is in its life.</summary>
public enum LabStatus
{
    /// <summary>Being built by a session that is still running.</summary>
    Building,
    /// <summary>Built; every namespace is there.</summary>
    Complete,
    /// <summary>Its builder ended (killed, or failed without cleaning up) before it was done: remove it with Remove-NetLab.</summary>
    Incomplete,
    /// <summary>Built, but some of its namespaces are gone (removed by hand): Repair-NetLab makes them again.</summary>
    Damaged,

    /// <summary>Built and every namespace there, but something in them differs from the lab's file (Get-NetLab -Detailed; Repair-NetLab).</summary>
    Drifted,
}
