using Xeno.Config.Specs;
using Xeno.Config.Tests.Specs.Oracle;

namespace Xeno.Config.Tests.Specs;

/// <summary>Differential tests: our disk parser against libxlutil's xlu_disk_parse (Xen 4.17).</summary>
public sealed class DiskSpecOracleTests
{
    private const string Source = "oracle.cfg";

    [Fact]
    public void HandPickedSpecsMatchLibxlutil()
    {
        string[] specs =
        [
            "phy:/dev/vg01/winxp0,hda,w", "phy:/dev/loop0,ioemu:hdc:cdrom,r", "/dev/vg/guest-volume,,hda",
            "/dev/vg/guest-volume,raw,hda,rw", "format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
            "raw:/dev/vg/guest-volume,hda,w", "/images/cd.iso,,hdc,cdrom",
            "format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/images/cd.iso", ",hdc:cdrom,r", ",,hdc,cdrom",
            "foo=bar,xvda", "grant_usage=1,/x,xvda", "trusted,/a,,xvda", " /a, ,xvdb", "=\n", "=", "/a,,xvda,=",
            "a\n=b", "/a,,xvda, \nb", "vhd:qcow:/a,xvda", "Raw:/a,xvda", ",hdc:foo", "d:x,xvda",
            "/a,,xvda,r,w", "/a,,xvda,r,w,x", "/a,qcow3,xvda", "/a,,xvda,z", "/a,,xvda,,", "target=/a,b:c,d",
            "vdev=xvda,vdev=xvdb,/a", "vdev=,vdev=xvdb,/a", "/a,raw,xvda,format=qcow2", "iscsi:iqn.2001-05.com.x,xvda",
            "script=foo,iscsi:x,xvda", "backendtype=phy,backendtype=qdisk,/a,,xvda", "colo-port=0,/a,,xvda",
            "colo-port=-5,/a,,xvda", "colo-port=4294967297,/a,,xvda", "devtype=,/a,,xvda", "cdromx,/a,,xvda",
            "", " ", "\t\n", ",,,", "/a,,,", "/a,,xvda:cdrom", "/a,,xvda:disk,w", "/a,raw,xvda:cdrom,w",
            "tap:aio:/img,xvda,w", "tap2:qcow2:/img,xvda", "file:/img,hda,w", "/x,,xvda,r,direct-io-safe",
            "foo=é,/a,,xvda", "/dév/é,,xvdé", "target=/ü,", "é=1", "a,é:cdrom",
        ];
        AssertSameAsOracle(specs.Select(s => new[] { s }).ToList());
    }

    [Fact]
    public void SeveralStringsForOneDiskMatchLibxlutil()
    {
        var records = new List<string[]>
        {
            new[] { "/dev/vg/x", "xvda", "w" },
            new[] { "vdev=xvda", "target=/x" },
            new[] { "raw:/x", "xvda" },
            new[] { "/x", "", "xvda", "r" },
            new[] { "/x,,xvda", "r", "w" },
            new[] { "/x", "/y,,xvda" },
            new[] { "format=qcow2", "/x", "xvda" },
            new[] { "/x,,xvda", "bogus=1" },
        };
        AssertSameAsOracle(records);
    }

    [Fact]
    public void ThousandsOfGeneratedAndMutatedSpecsMatchLibxlutil()
    {
        var gen = new SpecGenerator(1234);
        int count = int.TryParse(Environment.GetEnvironmentVariable("XENO_LONG_FUZZ"), out var n) && n > 0 ? n : 3000;
        var records = new List<string[]>();
        for (int i = 0; i < count; i++)
        {
            if (i % 10 == 9) records.Add([gen.DiskSpec(), gen.DiskSpec()]);
            else if (i % 10 == 8) records.Add([gen.RandomAscii(24)]);
            else records.Add([gen.DiskSpec()]);
        }
        AssertSameAsOracle(records);
    }

    private static void AssertSameAsOracle(List<string[]> records)
    {
        var oracle = XlSpecOracle.Run("disk", records.Select(r => string.Join('\x01', r)));
        Assert.Equal(records.Count, oracle.Count);
        var mismatches = new List<string>();
        for (int i = 0; i < records.Count; i++)
        {
            var expected = oracle[i];
            var actual = Render(DiskSpecParser.Parse(records[i], Source));
            foreach (var (key, value) in actual)
            {
                var exp = string.Join("\n", expected.GetValueOrDefault(key, "").Split('\n').Select(XlSpecOracle.NormalizeUtf8));
                if (exp != value)
                {
                    mismatches.Add($"[{string.Join(" | ", records[i].Select(XlSpecOracle.Escape))}] {key}: expected <{exp}> got <{value}>");
                    break;
                }
            }
        }
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} of {records.Count} differ from libxlutil:\n" + string.Join("\n", mismatches.Take(25)));
    }

    /// <summary>Our result in the oracle's vocabulary; fields only when parsing succeeded.</summary>
    private static Dictionary<string, string> Render(SpecResult<DiskSpec> r)
    {
        if (!r.Ok)
        {
            if (r.Errors[^1] == "flex scanner jammed")
                return new() { ["raw"] = "flex scanner jammed", ["exit"] = "2" };
            return new()
            {
                ["rc"] = "22",
                ["err"] = string.Join("\n", string.Join("\n", r.Errors).Split('\n').Select(XlSpecOracle.Escape)),
            };
        }
        var d = r.Value!;
        return new()
        {
            ["rc"] = "0",
            ["backend_domname"] = XlSpecOracle.Escape(d.BackendDomain),
            ["pdev_path"] = XlSpecOracle.Escape(d.Target),
            ["vdev"] = XlSpecOracle.Escape(d.Vdev),
            ["backend"] = d.BackendType switch { null => "0", "phy" => "1", "tap" => "2", "qdisk" => "3", _ => "4" },
            ["format"] = d.Format switch
            {
                DiskFormat.Qcow => "1", DiskFormat.Qcow2 => "2", DiskFormat.Vhd => "3",
                DiskFormat.Raw => "4", DiskFormat.Empty => "5", _ => "6",
            },
            ["script"] = XlSpecOracle.Escape(d.Script),
            ["removable"] = d.Removable ? "1" : "0",
            ["readwrite"] = d.Access == DiskAccess.ReadWrite ? "1" : "0",
            ["is_cdrom"] = d.DevType == DiskDevType.Cdrom ? "1" : "0",
            ["direct_io_safe"] = d.DirectIoSafe ? "1" : "0",
            ["discard_enable"] = DefBool(d.Discard),
            ["specification"] = d.Specification switch { null => "0", "xen" => "1", _ => "2" },
            ["colo_enable"] = DefBool(d.Colo),
            ["colo_host"] = XlSpecOracle.Escape(d.ColoHost),
            ["colo_port"] = d.ColoPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["colo_export"] = XlSpecOracle.Escape(d.ColoExport),
            ["active_disk"] = XlSpecOracle.Escape(d.ActiveDisk),
            ["hidden_disk"] = XlSpecOracle.Escape(d.HiddenDisk),
            ["trusted"] = "<default>",
            ["err"] = "",
        };
    }

    private static string DefBool(bool? b) => b switch { null => "<default>", true => "True", false => "False" };
}
