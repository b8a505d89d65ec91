using System.Text;
using Xeno.Config.Domain;
using Xeno.Config.Host;
using Xeno.Config.Language;

namespace Xeno.Config.Tests.Domain;

/// <summary>
/// Thousands of random configs made of the keys xl knows, with random scalar, list and junk
/// values: the builder returns a spec or xl's fatal error, never throws.
/// </summary>
public class DomainBuilderFuzzTests
{
    private static readonly string[] Keys =
    [
        "name", "type", "builder", "uuid", "memory", "maxmem", "vcpus", "maxvcpus", "cpus", "cpus_soft", "cpu_weight", "cap",
        "on_poweroff", "on_reboot", "on_crash", "on_watchdog", "on_soft_reset", "kernel", "ramdisk", "cmdline", "root", "extra",
        "bootloader", "bootloader_args", "firmware", "bios", "boot", "vga", "stdvga", "hdtype", "serial", "vnc", "vnclisten",
        "vncdisplay", "vncunused", "vncpasswd", "keymap", "disk", "vif", "vfb", "tsc_mode", "timer_mode", "altp2m", "usbdevice",
        "device_model", "device_model_version", "device_model_args", "viridian", "mca_caps", "mmio_hole", "accel", "acpi",
        "nx", "pae", "videoram", "pool", "vif2", "gfx_passthru", "vendor_device", "ms_vm_genid", "pvshim", "seclabel",
    ];

    private static readonly string[] Atoms =
    [
        "'g'", "'hvm'", "'pv'", "'pvh'", "'h'", "''", "0", "1", "2", "-", "'0-3,^1'", "'all'", "'node:0'", "'^all'", "'x'",
        "'destroy'", "'restart'", "'preserve'", "'pygrub'", "'/k'", "'cda'", "'zz'", "'stdvga'", "'ahci'", "'pty'", "0x10",
        "077", "99999999999999999999", "'/dev/xvda,raw,xvda,rw'", "'format=raw,vdev=hdc,access=ro,devtype=cdrom,target=/x'",
        "'bridge=br0,mac=00:16:3e:00:00:01'", "'rate=10Mb/s@100ms'", "'mac=zz'", "'bogus=1'", "'uefi'", "'ovmf'",
        "'3f2504e0-4f89-11d3-9a0c-0305e82c3301'", "'vnc=1,vncdisplay=3'", "'0.0.0.0:1'", "'kvm'", "'tcg'", "'lmce'",
    ];

    [Fact]
    public void RandomConfigsNeverThrow()
    {
        var random = new Random(20261120);
        var cpus = new Xeno.Config.Specs.HostCpuTopology(2, [new[] { 0, 1 }]);
        int ok = 0, failed = 0;
        for (int i = 0; i < 5000; i++)
        {
            var text = RandomConfig(random);
            var parse = ConfigParser.Parse(text, "fuzz.cfg");
            if (!parse.Success) continue;
            var result = DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(GlobalConfig.Default, cpus, random));
            if (result.Ok)
            {
                ok++;
                Assert.Equal(0, result.ExitCode);
                Assert.False(string.IsNullOrEmpty(DomainSpecJson.Write(result.Spec!)));
            }
            else
            {
                failed++;
                Assert.True(result.ExitCode is 1 or 3, $"exit {result.ExitCode} for:\n{text}");
                Assert.NotEmpty(result.Messages);
            }
        }
        // Both outcomes must really occur, or the generator is not exercising the builder.
        Assert.True(ok > 100, $"only {ok} configs built");
        Assert.True(failed > 100, $"only {failed} configs failed");
    }

    /// <summary>A random config of known keys; without the Xeno-only keys when comparing with xl.</summary>
    internal static string RandomConfig(Random random, bool allowXenoOnlyKeys = true)
    {
        var sb = new StringBuilder();
        if (random.Next(10) > 0) sb.Append("name='g'\n");
        if (random.Next(3) > 0) sb.Append("kernel='/k'\n");
        int lines = random.Next(1, 12);
        for (int i = 0; i < lines; i++)
        {
            var key = Keys[random.Next(Keys.Length)];
            if (!allowXenoOnlyKeys && key == "accel") continue;
            sb.Append(key).Append(random.Next(8) == 0 ? " += " : " = ");
            sb.Append(RandomValue(random, depth: 0)).Append('\n');
        }
        return sb.ToString();
    }

    private static string RandomValue(Random random, int depth)
    {
        if (depth < 2 && random.Next(4) == 0)
        {
            int n = random.Next(0, 4);
            return "[" + string.Join(", ", Enumerable.Range(0, n).Select(_ => RandomValue(random, depth + 1))) + "]";
        }
        return Atoms[random.Next(Atoms.Length)];
    }
}
