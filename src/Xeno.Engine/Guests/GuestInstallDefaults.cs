using Xeno.Host;

namespace Xeno.Engine.Guests;

/// <summary>Where an installation keeps what the autoinstaller uses, under the host prefix (docs/guests.md).</summary>
public static class GuestInstallDefaults
{
    public const string BaseImage = "usr/lib/xeno/images/debian-12.img";
    public const string DiskDir = "var/lib/xeno/disks";
    public const string RescueDir = "usr/lib/xeno/rescue";
    public const int MemoryMib = 512;
    public const int TimeoutSeconds = 1200;

    public static string Under(HostLayout layout, string relative) => Path.Combine(layout.Prefix, relative);
}
