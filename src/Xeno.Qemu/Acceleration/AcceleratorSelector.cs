namespace Xeno.Qemu.Acceleration;

/// <summary>
/// Decides between KVM and TCG. KVM only where the CPU advertises hardware virtualization
/// (vmx or svm) AND /dev/kvm opens: a /dev/kvm backed by kvm_pvm (no vmx/svm) exists on some
/// hosts but runs guests about 1000x slower than TCG. An explicit override always wins.
/// Pure: the caller supplies /proc/cpuinfo text and a probe for /dev/kvm.
/// </summary>
public static class AcceleratorSelector
{
    public static AcceleratorChoice Choose(string cpuInfo, Func<bool> kvmDeviceOpens, Accelerator? requested = null)
    {
        ArgumentNullException.ThrowIfNull(cpuInfo);
        ArgumentNullException.ThrowIfNull(kvmDeviceOpens);
        if (requested is { } forced)
            return new AcceleratorChoice(forced, $"{Name(forced)} requested explicitly");

        string? flag = HardwareVirtualizationFlag(cpuInfo);
        if (flag is null)
            return new AcceleratorChoice(Accelerator.Tcg, "tcg: the CPU advertises no vmx/svm flag");
        if (!kvmDeviceOpens())
            return new AcceleratorChoice(Accelerator.Tcg, $"tcg: the CPU has {flag} but /dev/kvm does not open");
        return new AcceleratorChoice(Accelerator.Kvm, $"kvm: the CPU has {flag} and /dev/kvm opens");
    }

    /// <summary>Parses an override as written in configs: <c>kvm</c> or <c>tcg</c> (case-insensitive).</summary>
    public static bool TryParse(string? text, out Accelerator accelerator)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "kvm": accelerator = Accelerator.Kvm; return true;
            case "tcg": accelerator = Accelerator.Tcg; return true;
            default: accelerator = default; return false;
        }
    }

    public static string Name(Accelerator accelerator) => accelerator switch
    {
        Accelerator.Kvm => "kvm",
        _ => "tcg",
    };

    /// <summary>"vmx" or "svm" when any "flags" line of cpuinfo lists it as a whole word.</summary>
    internal static string? HardwareVirtualizationFlag(string cpuInfo)
    {
        foreach (var rawLine in cpuInfo.Split('\n'))
        {
            int colon = rawLine.IndexOf(':');
            if (colon < 0 || rawLine[..colon].Trim() != "flags")
                continue;
            foreach (var word in rawLine[(colon + 1)..].Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries))
            {
                if (word is "vmx" or "svm")
                    return word;
            }
        }
        return null;
    }
}
