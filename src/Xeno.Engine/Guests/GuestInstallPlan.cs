using Xeno.Config.Install;

namespace Xeno.Engine.Guests;

/// <summary>A checked install (<see cref="GuestInstallCheck"/>): every value valid, every input there, no output yet.</summary>
internal sealed record GuestInstallPlan(
    string Name, string Hostname, InstallGuestType Type, long SizeBytes, string? AuthorizedKeys, string? RootPassword,
    string BaseImage, string Disk, string? Config, string Kernel, string Ramdisk, int MemoryMib, IReadOnlyList<string> Vifs,
    TimeSpan Timeout)
{
    public string HelperName => InstallConfigs.HelperName(Name);

    public string GuestConfig => InstallConfigs.Guest(Name, Type, MemoryMib, Disk, Vifs);

    public string TypeText => Type == InstallGuestType.Pv ? "pv" : "hvm";
}
