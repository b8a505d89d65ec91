using Xeno.Engine.Domains;

namespace Xeno.Engine.Tests.Unit;

/// <summary>One domain's disks checked against each other before QEMU starts.</summary>
public sealed class HostFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xeno-hostfiles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Image(string name)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, new byte[4096]);
        return path;
    }

    private static EngineException Refused(string disks) =>
        Assert.Throws<EngineException>(() => HostFiles.CheckDisks(Specs.From($"name=\"d\"\ntype=\"pv\"\nmemory=64\nkernel=\"/k\"\ndisk=[{disks}]\n"), []));

    private static void Accepted(string disks) =>
        HostFiles.CheckDisks(Specs.From($"name=\"d\"\ntype=\"pv\"\nmemory=64\nkernel=\"/k\"\ndisk=[{disks}]\n"), []);

    [Fact]
    public void TwoDisksOnOneVdevAreLibxlSDeviceAlreadyExists()
    {
        string a = Image("a.img"), b = Image("b.img");
        var e = Refused($"'{a},raw,xvda,rw', '{b},raw,xvda,rw'");
        Assert.Equal(EngineErrorKind.Invalid, e.Kind);
        Assert.Equal("libxl: error: Disk vdev=xvda:device already exists in xenstore (disk 1 and disk 2 of the config are both vdev=xvda)", e.Message);
        // The same vdev in the other disk syntax, read-only: still one device.
        Assert.StartsWith("libxl: error: Disk vdev=", Refused($"'{a},raw,xvdb,ro', 'format=raw,vdev=xvdb,access=ro,target={b}'").Message, StringComparison.Ordinal);
        Accepted($"'{a},raw,xvda,rw', '{b},raw,xvdb,rw'");
    }

    [Fact]
    public void OneImageTwiceIsRefusedUnlessBothAreReadOnly()
    {
        var a = Image("a.img");
        var link = Path.Combine(_dir, "link.img");
        File.CreateSymbolicLink(link, a);
        var e = Refused($"'{a},raw,xvda,rw', '{a},raw,xvdb,rw'");
        Assert.Equal($"Disk {a} is given twice (vdev=xvda and vdev=xvdb) and written through at least one: " +
                     "an image can be given twice only when both are read-only (access=ro)", e.Message);
        // One writer is enough, and a symbolic link is the same image.
        Assert.Contains("is given twice", Refused($"'{a},raw,xvda,ro', '{link},raw,xvdb,rw'").Message, StringComparison.Ordinal);
        Accepted($"'{a},raw,xvda,ro', '{link},raw,xvdb,ro'");
    }
}
