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
    public static string ConfigText(PanelVm vm, KernelChoice? kernel, VmStartPlan? plan = null)
    {
        plan ??= VmStartPlan.Normal;
        bool hvm = plan.BootsHvm(vm);
        var t = new StringBuilder();
        t.Append($"name = \"{vm.Name}\"\n");
        t.Append($"type = \"{(hvm ? "hvm" : "pv")}\"\n");
        t.Append($"memory = {vm.MemoryMib}\n");
        t.Append($"vcpus = {vm.Vcpus}\n");
        if (!hvm && plan.Mode != BootMode.Rescue)
        {
            if (kernel is not null)
            {
                t.Append($"kernel = {Quoted(kernel.Kernel)}\n");
                if (kernel.Ramdisk is not null)
                    t.Append($"ramdisk = {Quoted(kernel.Ramdisk)}\n");
                if (kernel.Extra is not null)
                    t.Append($"extra = {Quoted(kernel.Extra)}\n");
            }
            else
            {
                // No admin kernel: the guest's own, read from its disk as Xen's pygrub does; its
                // console is hvc0 under pv whatever its grub.cfg says (xl guest-install's config does the same).
                t.Append("bootloader = \"pygrub\"\n");
                t.Append("extra = \"console=hvc0\"\n");
            }
        }
        var disks = new List<string> { Quoted($"format=raw,vdev={(hvm ? "hda" : "xvda")},access=rw,target={vm.DiskPath}") };
        // Extra disks are virtio (xvdX) whatever the type: xvdb is the second disk in both.
        for (int i = 0; i < plan.ExtraDisks.Count; i++)
            disks.Add(Quoted($"format=raw,vdev=xvd{(char)('b' + i)},access=rw,target={plan.ExtraDisks[i]}"));
        if (hvm)
        {
            // Every hvm boot has a CD drive, so a CD can be inserted while it runs.
            disks.Add(plan.CdPath is null ? Quoted(",,hdc,cdrom") : Quoted($"format=raw,vdev=hdc,access=ro,devtype=cdrom,target={plan.CdPath}"));
        }
        t.Append($"disk = [ {string.Join(", ", disks)} ]\n");
        if (hvm)
            t.Append($"boot = \"{(plan.CdPath is null ? "c" : "dc")}\"\nserial = \"pty\"\n");
        return t.ToString();
    }

    /// <summary>The spec for <see cref="Api.Contracts.CreateDomainRequest.Spec"/>, or the builder's messages.</summary>
    public static (JsonElement? Spec, string Error) Build(PanelVm vm, KernelChoice? kernel, int hostCpus, VmStartPlan? plan = null)
    {
        plan ??= VmStartPlan.Normal;
        var text = ConfigText(vm, kernel, plan);
        if (plan.Mode == BootMode.Rescue)
        {
            // xl guest-rescue's overrides: the rescue kernel, a shell on the console, every disk attached.
            try
            {
                text = ConfigParser.AppendOverrides(text, RescueBoot.Overrides(plan.RescueKernel ?? "", plan.RescueRamdisk ?? ""));
            }
            catch (ArgumentException e)
            {
                return (null, e.Message);
            }
        }
        var parse = ConfigParser.Parse(text, vm.Name + ".cfg");
        if (!parse.Success)
            return (null, string.Join(" ", parse.DiagnosticLines()));
        var build = DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(new GlobalConfig(), HostCpuTopology.SingleNode(Math.Max(1, hostCpus)), Random.Shared));
        if (!build.Ok)
            return (null, string.Concat(build.Messages).Trim());
        var spec = plan.Mode == BootMode.Rescue ? RescueBoot.Apply(build.Spec!) : build.Spec!;
        return (JsonElement.Parse(DomainSpecJson.Write(spec)), "");
    }

    // xl.cfg strings: admin paths may hold any character but a quote or a line break is refused.
    private static string Quoted(string value)
    {
        if (value.Contains('"') || value.Contains('\n') || value.Contains('\\'))
            throw new ArgumentException($"the configured value {value} holds a quote, backslash or line break, which xl.cfg cannot carry");
        return "\"" + value + "\"";
    }
}
