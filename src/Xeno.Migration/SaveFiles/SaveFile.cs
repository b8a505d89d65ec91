namespace Xeno.Migration.SaveFiles;

/// <summary>A save file as read and checked: its xl header, config, domain state, and where QEMU's stream lies.</summary>
public sealed record SaveFile(XlSaveHeader Header, string? ConfigJson, string DomainStateJson, long QemuOffset, long QemuLength);
