using System.Text;

namespace Xeno.Config.Tests.Specs.Oracle;

/// <summary>Random spec strings built from Xen's own vocabulary plus noise, and mutations.</summary>
internal sealed class SpecGenerator(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] DiskTokens =
    [
        "/dev/vg/guest", "/images/cd.iso", "img.qcow2", "", " ", "  ", "\t", "\n",
        "raw", "qcow", "qcow2", "vhd", "qed", "empty", "bogus",
        "xvda", "xvdb1", "hda", "hdc", "sda", "d0p1", "51712", "hdc:cdrom", "xvda:disk", "hdc:foo", "a:b:c",
        "r", "ro", "w", "rw", "x",
        "cdrom", "cdrom,", "devtype=cdrom", "devtype=disk", "devtype=floppy", "devtype=",
        "format=raw", "format=qcow2", "format=", "format=nope",
        "access=r", "access=rw", "access=", "access=q",
        "backend=dom1", "backend=", "backendtype=phy", "backendtype=qdisk", "backendtype=tap", "backendtype=standalone", "backendtype=x",
        "specification=xen", "specification=virtio", "specification=foo",
        "vdev=xvdc", "vdev=", "script=block-iscsi", "script=", "target=/a,b:c", "target=", "target=/x,",
        "direct-io-safe", "discard", "no-discard", "colo", "no-colo", "colo-host=h", "colo-port=9000", "colo-port=x",
        "colo-export=e", "active-disk=/a", "hidden-disk=/h", "trusted", "untrusted", "grant_usage=1",
        "phy:/dev/sda", "file:/img", "tap:aio:/img", "tap2:qcow2:/img", "tapdisk:/i", "aio:/i", "ioemu:/i",
        "raw:/i", "qcow:/i", "qcow2:/i", "vhd:/i", "iscsi:iqn", "nbd:host", "enbd:x", "drbd:r", "foo:/x", "foo:bar", "x1:",
        "unknown=value", "a=b", "Z=1", "=", "==", "=x", ",", ",,", ":", "é", "x y", "u=é", "é:/x", "target=é,", "vdev=xvdé", "foo=€x",
    ];

    private static readonly string Noise = "abcdxyz019/:=,- \t\nqrw.";

    public string DiskSpec()
    {
        int n = _random.Next(0, 7);
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(_random.Next(10) == 0 ? ", " : ",");
            sb.Append(DiskTokens[_random.Next(DiskTokens.Length)]);
        }
        return _random.Next(4) == 0 ? Mutate(sb.ToString()) : sb.ToString();
    }

    public string Mutate(string s)
    {
        var chars = new List<char>(s);
        int edits = _random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            int op = _random.Next(3);
            if (op == 0 || chars.Count == 0)
                chars.Insert(_random.Next(chars.Count + 1), Noise[_random.Next(Noise.Length)]);
            else if (op == 1)
                chars.RemoveAt(_random.Next(chars.Count));
            else
                chars[_random.Next(chars.Count)] = Noise[_random.Next(Noise.Length)];
        }
        return new string(chars.ToArray());
    }

    public string RandomAscii(int maxLength)
    {
        int n = _random.Next(maxLength + 1);
        var sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.Append((char)_random.Next(2, 128)); // \x01 separates specs for the oracle
        return sb.ToString();
    }

    private static readonly string[] RateNumbers = ["0", "1", "10", "100", "010", "08", "4294967295", "4294967296", "18446744073709551616", "99999999999999999999", "123456"];
    private static readonly string[] RateUnits = ["", "K", "M", "G", "k", "T"];
    private static readonly string[] RateBits = ["B/s", "b/s", "B", "/s", "Bs", "B/S", ""];
    private static readonly string[] Intervals = ["", "@", "@20ms", "@1s", "@50", "@100us", "@5m", "@5u", "@0ms", "@08ms", "@010ms", "@4294967295s", "@4295s", "@4294967295us", "@1x", "@ms", "@20ms@1"];

    public string Rate()
    {
        var s = Pick(RateNumbers) + Pick(RateUnits) + Pick(RateBits) + Pick(Intervals);
        return _random.Next(5) == 0 ? Mutate(s) : s;
    }

    public int Next(int max) => _random.Next(max);
    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
