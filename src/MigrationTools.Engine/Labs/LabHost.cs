using System.Collections.Generic;

namespace MigrationTools.Engine.Labs;

/// <summary>
/// A host a lab spans, as its lab file's Hosts section names it: how to reach it over PowerShell remoting (SSH) and
/// its underlay address, the one the VXLAN links of its nodes start from.
/// </summary>
/// <param name="Name">The host's name in the lab file (what nodes' Host keys name).</param>
/// <param name="HostName">The SSH host name or address; null when sessions are given (New-NetLab -Session).</param>
/// <param name="UserName">The SSH user (root by default).</param>
/// <param name="KeyFilePath">The SSH private key, if any.</param>
/// <param name="Port">The SSH port (22 by default).</param>
/// <param name="Options">SSH options passed to the session (ssh -o KEY=VALUE).</param>
/// <param name="Address">The underlay address: the Address key, or the HostName when that is an address.</param>
internal sealed record LabHost(string Name, string? HostName, string? UserName, string? KeyFilePath, int? Port, IReadOnlyDictionary<string, string> Options, string? Address);
