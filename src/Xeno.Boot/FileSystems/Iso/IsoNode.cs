namespace Xeno.Boot.FileSystems.Iso;

/// <summary>A file, directory or (Rock Ridge) symbolic link of an ISO9660 volume; files may span several extents.</summary>
public sealed record IsoNode(string Name, NodeType Type, IReadOnlyList<IsoExtent> Extents, string? LinkTarget)
{
    public long Size => Extents.Sum(e => e.Length);
}

/// <summary>A contiguous run of a file's data: starting logical block and byte length.</summary>
public readonly record struct IsoExtent(long Block, long Length);
