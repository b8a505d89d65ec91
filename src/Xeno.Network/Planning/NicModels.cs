namespace Xeno.Network.Planning;

/// <summary>
/// The QEMU device behind a vif. pv and pvh guests, and hvm vifs of type=vif, get the
/// paravirtual virtio-net (Xeno's netfront); hvm type=ioemu vifs get the emulated model=
/// (rtl8139 by default, as libxl), any x86 NIC QEMU 7.2 has.
/// </summary>
public static class NicModels
{
    public const string Virtio = "virtio-net-pci";
    public const string XenDefault = "rtl8139";

    /// <summary>QEMU 7.2's PCI NICs on x86 (qemu-system-x86_64 -device help, "Network devices").</summary>
    public static IReadOnlySet<string> EmulatedModels { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "rtl8139", "e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e",
        "i82550", "i82551", "i82557a", "i82557b", "i82557c", "i82558a", "i82558b",
        "i82559a", "i82559b", "i82559c", "i82559er", "i82562", "i82801",
        "ne2k_pci", "pcnet", "tulip", "vmxnet3", "virtio-net-pci",
    };

    /// <summary>The -device name for a vif of <paramref name="type"/> ("vif" or "ioemu") with model=.</summary>
    public static string QemuDevice(bool hvm, string type, string? model)
    {
        if (!hvm || type == "vif")
            return Virtio;
        var m = string.IsNullOrEmpty(model) ? XenDefault : model;
        // Xen configs say "virtio-net" (libxl's spelling for qemu-xen); QEMU's PCI device is virtio-net-pci.
        if (m is "virtio" or "virtio-net")
            return Virtio;
        if (!EmulatedModels.Contains(m))
            throw new VifPlanException(
                $"model=\"{m}\" is not a NIC model QEMU emulates; use one of: {string.Join(", ", EmulatedModels.Order(StringComparer.Ordinal))}");
        return m;
    }
}
