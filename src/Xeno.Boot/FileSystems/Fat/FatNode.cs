namespace Xeno.Boot.FileSystems.Fat;

/// <summary>A file or directory of a FAT volume; the root directory of FAT12/16 has no cluster.</summary>
public sealed record FatNode(string Name, bool IsDirectory, uint FirstCluster, long Size, bool IsRoot);
