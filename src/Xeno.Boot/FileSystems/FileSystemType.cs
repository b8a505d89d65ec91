namespace Xeno.Boot.FileSystems;

/// <summary>Filesystem families this library reads.</summary>
public enum FileSystemType
{
    Ext,
    Fat,
    Iso9660,
}
