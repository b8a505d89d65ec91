using Xeno.Config.Specs;
using Xeno.Config.Tests.Specs.Oracle;

namespace Xeno.Config.Tests.Specs;

public sealed class VdevTests
{
    [Theory]
    [InlineData("xvda", 51712, 0, 0)]
    [InlineData("xvda1", 51713, 0, 1)]
    [InlineData("xvdb", 51728, 1, 0)]
    [InlineData("xvdc", 51744, 2, 0)]
    [InlineData("xvdd", 51760, 3, 0)]
    [InlineData("xvde", 51776, 4, 0)]
    [InlineData("xvdp", 51952, 15, 0)]
    [InlineData("xvdp15", 51967, 15, 15)]
    [InlineData("xvdq", 268439552, 16, 0)]
    [InlineData("xvda16", (1 << 28) | 16, 0, 16)]
    [InlineData("xvdaa", (1 << 28) | (26 << 8), 26, 0)]
    [InlineData("xvdz255", (1 << 28) | (25 << 8) | 255, 25, 255)]
    [InlineData("d0p0", 51712, 0, 0)]
    [InlineData("d1p2", 51730, 1, 2)]
    [InlineData("d16p0", 268439552, 16, 0)]
    [InlineData("hda", 768, 0, 0)]
    [InlineData("hdb", 832, 1, 0)]
    [InlineData("hdc", 5632, 2, 0)]
    [InlineData("hdd", 5696, 3, 0)]
    [InlineData("hda1", 769, 0, 1)]
    [InlineData("hdd63", 5759, 3, 63)]
    [InlineData("sda", 2048, 0, 0)]
    [InlineData("sdb", 2064, 1, 0)]
    [InlineData("sdp15", 2303, 15, 15)]
    public void WorkedValues(string vdev, int devid, int disk, int partition)
    {
        Assert.True(Vdev.TryParse(vdev, out var info));
        Assert.Equal(new VdevInfo(devid, disk, partition), info);
    }

    [Theory]
    [InlineData("51712", 51712)]
    [InlineData("0xca00", 51712)]
    [InlineData("0144400", 51456)]
    [InlineData("", 0)]
    [InlineData(" 7", 7)]
    [InlineData("2147483647", int.MaxValue)]
    public void PlainNumbersAreUsedVerbatim(string vdev, int devid)
    {
        Assert.True(Vdev.TryParse(vdev, out var info));
        Assert.Equal(new VdevInfo(devid, -1, -1), info);
    }

    [Theory]
    [InlineData("xvda+1", 51713)] // strtoul takes a sign
    [InlineData("hd", 832)]       // no letters: disk -1, which hd encoding maps onto hdb
    [InlineData("hd5", 837)]
    [InlineData("d0x1p2", 51730)] // %i reads hex
    [InlineData("d 1p 2", 51730)] // and skips blanks
    public void XenQuirksAreKept(string vdev, int devid) => Assert.Equal(devid, Vdev.ToDevid(vdev));

    [Theory]
    [InlineData("xvda0")]
    [InlineData("xvda01")]
    [InlineData("xvda256")]
    [InlineData("xvd")]
    [InlineData("xvda-1")]
    [InlineData("hde")]
    [InlineData("hda64")]
    [InlineData("sdq")]
    [InlineData("sda16")]
    [InlineData("vda")]
    [InlineData("2147483648")]
    [InlineData("-1")]
    [InlineData("d-1p0")]
    [InlineData("d1048576p0")]
    [InlineData("d0p256")]
    [InlineData("xvdA")]
    [InlineData("xvdaB")]
    public void RejectedNames(string vdev) => Assert.False(Vdev.TryParse(vdev, out _));

    [Fact]
    public void DnPmScanningMatchesGlibcSscanf()
    {
        string[] inputs =
        [
            "d0p1", "d0xp1", "d0x1p2", "d 1p 2", "d+1p-2", "d99999999999p1", "d-99999999999p1", "d4294967297p1",
            "d1p2x", "dp1", "d1p", "d08p1", "d010p1", "d0x", "d1p0x", "d1p0xg", "d0Xfp1", "d-0x10p1", "d1p2 ",
            "d99999999999999999999p1", "d-p1", "d\tp1", "d 0x p 0x",
        ];
        var oracle = XlSpecOracle.Run("sscanf-dp", inputs);
        foreach (var (input, expected) in inputs.Zip(oracle))
        {
            bool full = Vdev.MatchesDnPm(input, out int disk, out int part);
            bool oracleFull = expected["n"] == "2" && expected["used"] == input.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(full == oracleFull, $"`{input}': ours {full}, glibc {oracleFull}");
            if (full) Assert.Equal((expected["disk"], expected["partition"]), (disk.ToString(System.Globalization.CultureInfo.InvariantCulture), part.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
