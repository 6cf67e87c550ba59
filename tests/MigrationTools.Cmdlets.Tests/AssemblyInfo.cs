using System.Runtime.Versioning;

// The module and its tests run on Linux only.
[assembly: SupportedOSPlatform("linux")]
