namespace Xeno.Boot.Partitions;

/// <summary>One of the four raw primary entries of an MBR, exactly as stored (also empty ones).</summary>
public sealed record MbrSlot(int Index, byte Status, byte Type, uint StartLba, uint SectorCount)
{
    public bool IsEmpty => Type == 0 || SectorCount == 0;
    public bool IsActive => Status == 0x80;
    public bool IsExtended => Type is 0x05 or 0x0F or 0x85;
    public bool IsGptProtective => Type == 0xEE;
}
