using System.Text;
using System.Text.Json;
using Xeno.Config.Domain;
using Xeno.Config.Host;
using Xeno.Config.Language;
using Xeno.Config.Specs;
using Xeno.Panel.Data;

namespace Xeno.Panel.Vms;

/// <summary>
/// The domain JSON xenod starts for a panel VM: written as xl.cfg text and built by Xeno.Config
/// exactly as `xl create` builds it, so the panel starts what an admin's xl would. Only the
/// VM's validated fields and admin-provided paths go into the text.
/// </summary>
public static class VmSpec
{
    public static string ConfigText(PanelVm vm, KernelChoice? kernel)
    {
        var t = new StringBuilder();
        t.Append($"name = \"{vm.Name}\"\n");
        t.Append($"type = \"{VmRecords.TypeText(vm.Type)}\"\n");
        t.Append($"memory = {vm.MemoryMib}\n");
        t.Append($"vcpus = {vm.Vcpus}\n");
        if (kernel is not null)
        {
            t.Append($"kernel = {Quoted(kernel.Kernel)}\n");
            if (kernel.Ramdisk is not null)
                t.Append($"ramdisk = {Quoted(kernel.Ramdisk)}\n");
            if (kernel.Extra is not null)
                t.Append($"extra = {Quoted(kernel.Extra)}\n");
        }
        string vdev = vm.Type == VmType.Hvm ? "hda" : "xvda";
        t.Append($"disk = [ {Quoted($"format=raw,vdev={vdev},access=rw,target={vm.DiskPath}")} ]\n");
        if (vm.Type == VmType.Hvm)
            t.Append("boot = \"c\"\nserial = \"pty\"\n");
        return t.ToString();
    }

    /// <summary>The spec for <see cref="Api.Contracts.CreateDomainRequest.Spec"/>, or the builder's messages.</summary>
    public static (JsonElement? Spec, string Error) Build(PanelVm vm, KernelChoice? kernel, int hostCpus)
    {
        var parse = ConfigParser.Parse(ConfigText(vm, kernel), vm.Name + ".cfg");
        if (!parse.Success)
            return (null, string.Join(" ", parse.DiagnosticLines()));
        var build = DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(new GlobalConfig(), HostCpuTopology.SingleNode(Math.Max(1, hostCpus)), Random.Shared));
        if (!build.Ok)
            return (null, string.Concat(build.Messages).Trim());
        return (JsonElement.Parse(DomainSpecJson.Write(build.Spec!)), "");
    }

    // xl.cfg strings: admin paths may hold any character but a quote or a line break is refused.
    private static string Quoted(string value)
    {
        if (value.Contains('"') || value.Contains('\n') || value.Contains('\\'))
            throw new ArgumentException($"the configured value {value} holds a quote, backslash or line break, which xl.cfg cannot carry");
        return "\"" + value + "\"";
    }
}
