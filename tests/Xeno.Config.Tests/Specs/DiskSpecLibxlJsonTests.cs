using Xeno.Config.Specs;
using Xeno.Config.Tests.Specs.Oracle;

namespace Xeno.Config.Tests.Specs;

/// <summary>
/// `xl -N block-attach 0 SPEC` against Debian's real xl 4.17: the same spec must give the same
/// disk JSON (DiskSpecLibxlJson) or the same parse errors, for fixed and random specs.
/// </summary>
public sealed class DiskSpecLibxlJsonTests
{
    private static readonly string[] Tokens =
    [
        "/img/a.raw", "/dev/sde", "raw", "qcow2", "qcow", "vhd", "qed", "", "xvdb", "hdc", "sda", "xvdq", "r", "rw", "w", "ro",
        "cdrom", "devtype=cdrom", "devtype=disk", "format=qcow2", "vdev=xvde", "access=ro", "backendtype=qdisk", "backendtype=phy",
        "backendtype=tap", "script=block-foo", "backend=dom0", "direct-io-safe", "discard", "no-discard", "specification=virtio",
        "specification=xen", "colo", "no-colo", "colo-host=h", "colo-port=7", "colo-export=e", "active-disk=a", "hidden-disk=b",
        "target=/x/y", "target=/a b,c", "qcow2:/q.img", "phy:/dev/sdb", "file:/f.img", "xvda:disk", "hdc:cdrom", "foo=bar",
    ];

    [Fact]
    public void BlockAttachDryRunMatchesXl()
    {
        var specs = new List<string>
        {
            "format=raw, vdev=xvde, access=rw, target=/dev/sde", "/i.iso,,hdc,cdrom", ",,hdc,cdrom", "vdev=xvdb,target=/a b",
            "format=qcow2,vdev=xvdb,access=ro,backendtype=qdisk,script=block-foo,direct-io-safe,no-discard,target=/x",
            "/x,raw,xvdb,w,specification=virtio", "/x,raw,xvdb,rw,discard,backend=dom0",
            "/x,,xvdb,colo,colo-host=h,colo-port=3,colo-export=e,active-disk=a,hidden-disk=b",
        };
        var gen = new Random(11);
        for (int i = 0; i < 60; i++)
            specs.Add(string.Join(",", Enumerable.Range(0, 1 + gen.Next(5)).Select(_ => Tokens[gen.Next(Tokens.Length)])));

        var mismatches = new List<string>();
        foreach (var spec in specs)
        {
            var real = RealXl.Exec("-N", "block-attach", "0", spec);
            var ours = DiskSpecParser.Parse(spec, "command line");
            string mine = ours.Ok ? "disk: " + DiskSpecLibxlJson.Write(ours.Value!) : string.Join("\n", ours.Errors);
            string theirs = string.Join("\n", real.ExitCode == 0 ? real.Stdout : real.Stderr);
            if (mine != theirs || ours.Ok != (real.ExitCode == 0))
                mismatches.Add($"spec `{spec}`:\n xl:   {theirs}\n ours: {mine}");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }
}
