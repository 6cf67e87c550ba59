namespace MigrationTools.Core.Files;

/// <summary>What a path names, as stat(2) tells it.</summary>
internal enum FileKind
{
    Regular,
    Directory,
    SymbolicLink,
    Device,
    Fifo,
    Socket,
}
