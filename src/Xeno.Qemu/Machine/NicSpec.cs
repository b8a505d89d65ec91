using System.Globalization;
using System.Text.RegularExpressions;

namespace Xeno.Qemu.Machine;

/// <summary>
/// One guest NIC on a host tap the toolstack made beforehand (QEMU never creates or configures
/// the tap: script=no,downscript=no). <see cref="Model"/> is a QEMU -device name.
/// </summary>
public sealed record NicSpec(int Devid, string TapName, string Mac, string Model);

/// <summary>The -netdev/-device pair of each NIC, ids net&lt;devid&gt;/nic&lt;devid&gt; as libxl names them.</summary>
public static partial class NicArguments
{
    public static IEnumerable<string> For(NicSpec nic)
    {
        ArgumentNullException.ThrowIfNull(nic);
        var id = nic.Devid.ToString(CultureInfo.InvariantCulture);
        yield return "-netdev";
        yield return $"tap,id=net{id},ifname={QemuCommandLine.Escape(nic.TapName)},script=no,downscript=no";
        yield return "-device";
        yield return $"{nic.Model},id=nic{id},netdev=net{id},mac={nic.Mac}";
    }

    /// <summary>Refuses what QEMU would misread: a bad MAC, a model that is not a bare device name, duplicates.</summary>
    internal static void Validate(IReadOnlyList<NicSpec> nics)
    {
        foreach (var nic in nics)
        {
            if (nic.Devid < 0)
                throw new MachineSpecException("nic", $"devid {nic.Devid} is negative");
            if (nic.TapName.Length is 0 or > 15 || nic.TapName.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '/' or ':'))
                throw new MachineSpecException("nic", $"tap name \"{nic.TapName}\" is not a Linux interface name");
            if (!MacPattern().IsMatch(nic.Mac))
                throw new MachineSpecException("nic", $"mac \"{nic.Mac}\" is not xx:xx:xx:xx:xx:xx");
            if (!ModelPattern().IsMatch(nic.Model))
                throw new MachineSpecException("nic", $"model \"{nic.Model}\" is not a QEMU device name");
        }
        if (nics.GroupBy(n => n.Devid).FirstOrDefault(g => g.Count() > 1) is { } dup)
            throw new MachineSpecException("nic", $"devid {dup.Key} is used twice");
    }

    [GeneratedRegex("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")]
    private static partial Regex MacPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex ModelPattern();
}
