using System.Globalization;
using System.Text.RegularExpressions;
using Xeno.Panel.Data;

namespace Xeno.Panel.Vms;

/// <summary>A create request that passed <see cref="VmCreateForm.Parse"/>.</summary>
public sealed record VmCreateRequest(string Name, VmType Type, int MemoryMib, int Vcpus, int DiskGib, KernelChoice? Kernel);

/// <summary>
/// Reads the create form (untrusted text from the browser) into a <see cref="VmCreateRequest"/>
/// or a list of messages, each naming the field and what is wrong. Never throws on any input.
/// </summary>
public static partial class VmCreateForm
{
    public const int MaxMemoryMib = 1 << 20;
    public const int MaxVcpus = 128;
    public const int MaxDiskGib = 16384;

    // Lower-case letters, digits and inner dashes: a safe xenod name and a safe file name.
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    /// <param name="diskBringsKernel">The disk will hold a system with its own kernel (autoinstall): a PV VM then boots it through pygrub.</param>
    public static (VmCreateRequest? Request, IReadOnlyList<string> Errors) Parse(
        string? name, string? type, string? memoryMib, string? vcpus, string? diskGib, string? kernel,
        IReadOnlyList<KernelChoice> kernels, bool diskBringsKernel = false)
    {
        var errors = new List<string>();
        name = (name ?? "").Trim();
        if (name.Length == 0)
            errors.Add("Name: give the VM a name.");
        else if (!NamePattern().IsMatch(name))
            errors.Add("Name: use 1 to 63 lower-case letters, digits and dashes (not at either end).");

        VmType vmType = VmType.Pv;
        switch ((type ?? "").Trim())
        {
            case "pv": vmType = VmType.Pv; break;
            case "hvm": vmType = VmType.Hvm; break;
            default: errors.Add("Type: choose PV or HVM."); break;
        }

        int memory = Number("Memory (MiB)", memoryMib, 32, MaxMemoryMib, errors);
        int cpus = Number("vCPUs", vcpus, 1, MaxVcpus, errors);
        int disk = Number("Disk (GiB)", diskGib, 1, MaxDiskGib, errors);

        KernelChoice? chosen = null;
        var kernelName = (kernel ?? "").Trim();
        if (kernelName.Length > 0)
        {
            chosen = kernels.FirstOrDefault(k => k.Name == kernelName);
            if (chosen is null)
                errors.Add("Kernel: choose one of the kernels offered.");
        }
        else if (vmType == VmType.Pv && !diskBringsKernel)
        {
            errors.Add(kernels.Count == 0
                ? "Kernel: a PV guest needs a kernel, and the administrator has offered none."
                : "Kernel: a PV guest needs a kernel; choose one.");
        }

        return errors.Count > 0 ? (null, errors) : (new VmCreateRequest(name, vmType, memory, cpus, disk, chosen), errors);
    }

    private static int Number(string field, string? text, int min, int max, List<string> errors)
    {
        text = (text ?? "").Trim();
        if (text.Length == 0)
        {
            errors.Add($"{field}: give a number.");
            return 0;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            errors.Add($"{field}: give a whole number from {min} to {max}.");
            return 0;
        }
        return value;
    }
}
