namespace Xeno.Qemu.Acceleration;

/// <summary>Side effect: reads this host's /proc/cpuinfo and tries to open /dev/kvm.</summary>
public static class HostAccelerator
{
    public static AcceleratorChoice Detect(Accelerator? requested = null,
        string cpuInfoPath = "/proc/cpuinfo", string kvmDevicePath = "/dev/kvm")
    {
        string cpuInfo;
        try { cpuInfo = File.ReadAllText(cpuInfoPath); }
        catch (IOException) { cpuInfo = ""; }
        catch (UnauthorizedAccessException) { cpuInfo = ""; }
        return AcceleratorSelector.Choose(cpuInfo, () => DeviceOpens(kvmDevicePath), requested);
    }

    private static bool DeviceOpens(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
