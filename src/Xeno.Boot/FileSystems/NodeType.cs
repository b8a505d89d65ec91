namespace Xeno.Boot.FileSystems;

/// <summary>What a directory entry names, as far as a bootloader cares.</summary>
public enum NodeType
{
    File,
    Directory,
    Symlink,
    Other,
}
