namespace Xeno.Store.Domains;

/// <summary>An introduced domain: its target (SET_TARGET) and feature bits.</summary>
public sealed class DomainRecord(uint id)
{
    public uint Id { get; } = id;
    public uint? Target { get; set; }
    public uint? Features { get; set; }
}
