namespace Xeno.Boot.FileSystems.Ext;

/// <summary>A run of <see cref="Count"/> logical blocks stored contiguously from <see cref="Physical"/>; Physical 0 is a hole (reads as zeros).</summary>
internal readonly record struct BlockRun(ulong Physical, ulong Count);

/// <summary>Maps a file's logical blocks to filesystem blocks.</summary>
internal interface IBlockMap
{
    /// <summary>The run containing <paramref name="logical"/>; Count is at least 1.</summary>
    BlockRun Map(ulong logical);
}
