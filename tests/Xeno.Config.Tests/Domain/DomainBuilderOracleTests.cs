using System.Text;
using Xeno.Config.Domain;
using Xeno.Config.Host;
using Xeno.Config.Language;
using Xeno.Config.Specs;
using Xeno.Config.Tests.Specs.Oracle;

namespace Xeno.Config.Tests.Domain;

/// <summary>
/// `xl -N create` against Debian's real xl 4.17 (run under the xl shim, see RealXl): for
/// hand-written and random configs, our stderr and exit status must be xl's. Cases where Xeno
/// adds a check of its own (named in <see cref="XenoOnly"/>) are set aside, and counted.
/// </summary>
public class DomainBuilderOracleTests
{
    // The host the shim shows xl: 4 CPUs, node 0 = CPUs 0-1, node 1 = CPUs 2-3.
    private static readonly HostCpuTopology ShimHost = new(4, [new[] { 0, 1 }, new[] { 2, 3 }]);

    /// <summary>Messages that only Xeno prints: its own refusals and validation beyond xl's parser.</summary>
    private static readonly string[] XenoOnly =
    [
        "Xeno", "xl: memory (", "xl: memory must", "Unknown accel", "xl: invalid boot device", "xl: cpu_weight",
        "xl: cap must", "Invalid or unsupported virtual disk identifier", "vif type \"ioemu\"",
        "Invalid domain name", "Domain name must not be empty", "Domain with name", "Invalid vifname",
    ];

    public static TheoryData<string> HandWritten => new()
    {
        "name='g'\nkernel='/k'\n",
        "name='g'\n",
        "kernel='/k'\n",
        "name='g'\ntype='xen'\n",
        "name='g'\nbuilder='linux'\n",
        "name='g'\ntype='pv'\nbuilder='hvm'\n",
        "name='g'\nkernel='/k'\nvcpus=4\nmaxvcpus=2\n",
        "name='g'\nkernel='/k'\non_crash='reboot'\n",
        "name='g'\nkernel='/k'\nuuid='nope'\n",
        "name='g'\nkernel='/k'\ntimer_mode='no_missed_ticks_pending'\n",
        "name='g'\nkernel='/k'\ntimer_mode=2\n",
        "name='g'\nkernel='/k'\nfirmware='pvgrub64'\n",
        "name='g'\nfirmware='ovmf'\n",
        "name='g'\ntype='hvm'\nvga='vesa'\n",
        "name='g'\ntype='hvm'\nhdtype='scsi'\n",
        "name='g'\ntype='hvm'\nbios='coreboot'\n",
        "name='g'\ntype='hvm'\nbios_path_override='/x'\n",
        "name='g'\ntype='hvm'\nvnclisten='0.0.0.0:1'\nvncdisplay=2\n",
        "name='g'\ntype='hvm'\ndevice_model_version='qemu-dm'\n",
        "name='g'\ntype='hvm'\ndevice_model_override='/usr/bin/qemu'\n",
        "name='g'\ntype='hvm'\nms_vm_genid='maybe'\n",
        "name='g'\ntype='hvm'\nmca_caps=['lmce', 'xyz']\n",
        "name='g'\ntype='hvm'\nmmio_hole=10\n",
        "name='g'\ntype='hvm'\naltp2mhvm=1\n",
        "name='g'\ntype='hvm'\nvendor_device='acme'\n",
        "name='g'\nkernel='/k'\ncmdline='x'\nroot='/dev/sda'\nextra='y'\n",
        "name='g'\nbootloader='pygrub'\nbootloader_args='-q --entry=1'\n",
        "name='g'\nkernel='/k'\ntsc_mode=1\n",
        "name='g'\nkernel='/k'\ntsc_mode=9\n",
        "name='g'\nkernel='/k'\ntsc_mode='always_emulate'\n",
        "name='g'\nkernel='/k'\ntsc_mode='sometimes'\n",
        "name='g'\nkernel='/k'\naltp2m='maybe'\n",
        "name='g'\nkernel='/k'\nvif2=['bridge=xenbr0']\n",
        "name='g'\nkernel='/k'\nvncviewer=1\n",
        "name='g'\nkernel='/k'\ndevice_model='stubdom-dm'\n",
        "name='g'\ntype='hvm'\ndevice_model='/usr/lib/xen/bin/stubdom-dm'\n",
        "name='g'\nkernel='/k'\nvif=['mac=zz,bridge=br1', 'colour=blue']\n",
        "name='g'\nkernel='/k'\nvif=['rate=fast']\n",
        "name='g'\nkernel='/k'\ndisk=['/x,raw,xvda,rw,extra']\n",
        "name='g'\nkernel='/k'\ndisk=['nosuch:/x,xvda,w']\n",
        "name='g'\nkernel='/k'\ncpus='0-3,^1'\n",
        "name='g'\nkernel='/k'\ncpus='^all'\n",
        "name='g'\nkernel='/k'\ncpus='x-y'\n",
        "name='g'\nkernel='/k'\ncpus=['0', 'q']\nvcpus=2\n",
        "name=['g']\nkernel='/k'\n",
        "name='g'\nkernel=['/k']\n",
        "name='g'\nkernel='/k'\nmemory='lots'\n",
        "name='g'\nkernel='/k'\nmemory=['1']\n",
        "name='g'\nkernel='/k'\nvcpus=99999999999999999999\n",
        "name='g'\nkernel='/k'\nmemory+=1\n",
        "name='g'\ntype='hvm'\nserial=['pty', 'vc']\nusbdevice='tablet'\n",
        "name='g'\ntype='hvm'\nviridian=['base', 'bogus']\n",
        "name='g'\ntype='hvm'\ngfx_passthru='nvidia'\n",
        "name='g'\ntype='pvh'\nkernel='/k'\n",
        "name='g'\ntype='hvm'\nkernel='/boot/hvmloader'\nstdvga=1\n",
    };

    [Theory]
    [MemberData(nameof(HandWritten))]
    public void HandWrittenConfigsMatchXl(string config)
    {
        var (matched, why) = Compare(config, "hand.cfg");
        Assert.True(matched || why is null, why);
    }

    [Fact]
    public void RandomConfigsMatchXl()
    {
        var random = new Random(4171);
        int compared = 0, setAside = 0;
        var failures = new List<string>();
        for (int i = 0; i < 300; i++)
        {
            var config = DomainBuilderFuzzTests.RandomConfig(random, allowXenoOnlyKeys: false);
            var (matched, why) = Compare(config, $"random{i}.cfg");
            if (why is null) { setAside++; continue; }
            compared++;
            if (!matched) failures.Add(why);
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(5)));
        Assert.True(compared > 200, $"only {compared} of 300 compared ({setAside} set aside)");
    }

    /// <summary>(true, "") when equal; (false, report) when not; (false, null) when Xeno adds its own check or xl crashed.</summary>
    private static (bool Matched, string? Why) Compare(string config, string name)
    {
        var path = RealXl.WriteConfig(name, config);
        var xl = RealXl.Exec("-N", "create", path);
        // xl itself crashes on some inputs (e.g. SIGSEGV, status 139); there is nothing to match.
        if (xl.ExitCode >= 128) return (false, null);
        // "@@..." lines are the shim's own markers, not xl's output.
        var xlErr = xl.Stderr.Where(l => l != $"Parsing config from {path}" && !l.StartsWith("@@", StringComparison.Ordinal)).ToArray();

        var parse = ConfigParser.Parse(config, path);
        string[] ours;
        int ourExit;
        if (!parse.Success)
        {
            ours = [.. parse.DiagnosticLines(), "Failed to parse config: Invalid argument"];
            ourExit = 1;
        }
        else
        {
            var result = DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(GlobalConfig.Default, ShimHost, new Random(1)));
            var text = string.Concat(result.Messages);
            if (XenoOnly.Any(m => text.Contains(m, StringComparison.Ordinal))) return (false, null);
            ours = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            ourExit = result.ExitCode;
        }

        if (xl.ExitCode == ourExit && xlErr.SequenceEqual(ours)) return (true, "");
        var report = new StringBuilder();
        report.Append("config:\n").Append(config);
        report.Append($"xl exit {xl.ExitCode}, stderr:\n  ").AppendJoin("\n  ", xlErr);
        report.Append($"\nours exit {ourExit}, stderr:\n  ").AppendJoin("\n  ", ours);
        return (false, report.ToString());
    }
}
