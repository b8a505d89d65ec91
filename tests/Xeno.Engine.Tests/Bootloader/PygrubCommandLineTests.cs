using Xeno.Config.Domain;
using Xeno.Engine.Domains.Bootloader;
using Xeno.Engine.Tests.Unit;

namespace Xeno.Engine.Tests.Bootloader;

/// <summary>How a domain's config becomes pygrub's command line, as libxl builds it, and how pygrub reads it.</summary>
public sealed class PygrubCommandLineTests
{
    private static DomainSpec Pv(string extra) =>
        Specs.From($"name=\"g\"\ntype=\"pv\"\nmemory=64\nbootloader=\"pygrub\"\ndisk=['/d.img,raw,xvda,rw']\n{extra}");

    [Fact]
    public void LibxlOrderKernelRamdiskArgsThenBootloaderArgsThenTheDisk()
    {
        var spec = Pv("kernel=\"/boot/vmlinuz-6\"\nramdisk=\"/boot/initrd-6\"\nroot=\"/dev/xvda1\"\nextra=\"console=hvc0\"\n" +
                      "bootloader_args=['--entry=1', '-q']\n");
        Assert.Equal(
            ["--kernel=/boot/vmlinuz-6", "--ramdisk=/boot/initrd-6", "--args=root=/dev/xvda1 console=hvc0", "--entry=1", "-q", "/d.img"],
            PygrubCommandLine.Arguments(spec, "/d.img"));
    }

    [Fact]
    public void WithoutKernelRamdiskOrCmdlineOnlyTheDiskRemains()
    {
        Assert.Equal(["/d.img"], PygrubCommandLine.Arguments(Pv(""), "/d.img"));
        // An empty command line is not passed (libxl checks *cmdline != '\0').
        Assert.Equal(["/d.img"], PygrubCommandLine.Arguments(Pv("extra=\"\"\n"), "/d.img"));
    }

    [Fact]
    public void CmdlineWinsOverRootAndExtraAsXlBuildsIt()
    {
        var spec = Pv("cmdline=\"quiet\"\nroot=\"/dev/xvda1\"\nextra=\"console=hvc0\"\n");
        Assert.Equal(["--args=quiet", "/d.img"], PygrubCommandLine.Arguments(spec, "/d.img"));
    }

    [Fact]
    public void BootloaderArgsGivenLaterWinAsWithGetopt()
    {
        var args = PygrubCommandLine.Arguments(Pv("extra=\"console=hvc0\"\nbootloader_args=['--args=quiet', '--entry', 'Rescue']\n"), "/d.img");
        var parsed = PygrubCommandLine.Parse(args, _ => false);
        Assert.Equal("quiet", parsed.Args);
        Assert.Equal("Rescue", parsed.Entry);
        Assert.Equal("/d.img", parsed.Image);
        Assert.False(parsed.Interactive);
    }

    [Fact]
    public void EveryPygrubOptionReachesTheRequest()
    {
        var parsed = PygrubCommandLine.Parse(
            ["--kernel=/vmlinuz", "--ramdisk=/initrd", "--args=a b", "--offset=1048576", "--default_args=d", "--extra_args=e", "--en=2", "-q", "/d.img"],
            _ => false);
        var request = parsed.ToBootRequest();
        Assert.Equal("/vmlinuz", request.Kernel);
        Assert.Equal("/initrd", request.Ramdisk);
        Assert.Equal("a b", request.Args);
        Assert.Equal(1048576, request.Offset);
        Assert.Equal("d", request.DefaultArgs);
        Assert.Equal("e", request.ExtraArgs);
        Assert.Equal("2", request.Entry);
        Assert.Null(request.Menu);
    }

    [Fact]
    public void TheFirstOperandIsTheImageAsInPygrub()
    {
        Assert.Equal("/other.img", PygrubCommandLine.Parse(["/other.img", "/d.img"], _ => false).Image);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--entry")]
    [InlineData("-x")]
    public void OptionErrorsArePygrubsUsage(string bad)
    {
        var e = Assert.Throws<BootloaderFailure>(() => PygrubCommandLine.Parse(bad == "--entry" ? ["/d.img", bad] : [bad, "/d.img"], _ => false));
        Assert.Equal(
            "pygrub exited with status 1: Usage: pygrub [-q|--quiet] [-i|--interactive] [-l|--list-entries] [-n|--not-really] [--output=] " +
            "[--kernel=] [--ramdisk=] [--args=] [--entry=] [--output-directory=] [--output-format=sxp|simple|simple0] [--runas=] [--offset=] <image>",
            e.Message);
    }

    [Fact]
    public void ValueErrorsCarryPygrubsWords()
    {
        Assert.Equal("pygrub exited with status 1: offset value must be an integer\nUsage: pygrub [-q|--quiet] [-i|--interactive] [-l|--list-entries] [-n|--not-really] [--output=] " +
                     "[--kernel=] [--ramdisk=] [--args=] [--entry=] [--output-directory=] [--output-format=sxp|simple|simple0] [--runas=] [--offset=] <image>",
            Assert.Throws<BootloaderFailure>(() => PygrubCommandLine.Parse(["--offset=x", "/d.img"], _ => false)).Message);
        Assert.Equal("pygrub exited with status 1: In order to use --runas, you must also set --entry or -q",
            Assert.Throws<BootloaderFailure>(() => PygrubCommandLine.Parse(["--runas=1000", "/d.img"], _ => false)).Message);
        Assert.Equal("/d.img", PygrubCommandLine.Parse(["--runas=1000", "-q", "/d.img"], _ => false).Image);
    }

    [Theory]
    [InlineData("-l", "bootloader_args has -l/--list-entries: pygrub lists the entries and boots nothing")]
    [InlineData("--not-really", "bootloader_args has -n/--not-really: pygrub extracts no kernel to boot")]
    [InlineData("--isconfig", "bootloader_args has --isconfig: pygrub reads a host config file and boots nothing")]
    public void OptionsThatBootNothingAreRefusedByName(string option, string message)
    {
        Assert.Equal(message, Assert.Throws<BootloaderFailure>(() => PygrubCommandLine.Parse([option, "/d.img"], _ => false)).Message);
    }

    [Theory]
    [InlineData("pygrub", true)]
    [InlineData("/usr/lib/xen-4.17/bin/pygrub", true)]
    [InlineData("/usr/bin/pygrub", true)]
    [InlineData("xeno-pygrub", true)]
    [InlineData("/usr/local/bin/xeno-pygrub", true)]
    [InlineData("pygrub2", false)]
    [InlineData("/usr/bin/pv-grub", false)]
    [InlineData("pygrub/", false)]
    [InlineData("", false)]
    public void PygrubIsRecognisedByItsFileName(string value, bool expected) =>
        Assert.Equal(expected, PygrubCommandLine.IsPygrub(value));

    [Fact]
    public void HvmNeverRunsTheBootloaderAsInLibxl()
    {
        var hvm = Specs.From("name=\"h\"\ntype=\"hvm\"\nmemory=64\nbootloader=\"pygrub\"\ndisk=['/d.img,raw,hda,rw']\n");
        Assert.False(PygrubCommandLine.Runs(hvm));
        Assert.True(PygrubCommandLine.Runs(Pv("")));
        Assert.True(PygrubCommandLine.Runs(Specs.From("name=\"p\"\ntype=\"pvh\"\nmemory=64\nbootloader=\"pygrub\"\ndisk=['/d.img,raw,xvda,rw']\n")));
        Assert.False(PygrubCommandLine.Runs(Specs.From("name=\"k\"\ntype=\"pv\"\nmemory=64\nkernel=\"/k\"\n")));
    }

    [Fact]
    public void RandomArgumentListsEndInArgumentsOrAFailure()
    {
        var rng = new Random(4242);
        string[] pieces = ["-q", "-i", "-l", "-n", "-h", "-qn", "--", "-", "--entry", "--entry=1", "--en", "--e", "--kernel", "--kernel=/k",
            "--args=", "--args", "--offset=0x10", "--offset=-1", "--offset", "--runas=0", "--runas=x", "--output-format=sxp",
            "--output-format=bad", "--output-directory=/nonexistent", "--output=/tmp/o", "--isconfig", "--debug", "--default_args=d",
            "--extra_args", "=", "--=", "\u00e9", "/d.img", "x", ""];
        for (int round = 0; round < 3000; round++)
        {
            var args = new List<string>();
            int n = rng.Next(0, 7);
            for (int i = 0; i < n; i++)
                args.Add(pieces[rng.Next(pieces.Length)]);
            try
            {
                var parsed = PygrubCommandLine.Parse(args, _ => false);
                Assert.Contains(parsed.Image, args);
                Assert.False(parsed.ListEntries || parsed.NotReally || parsed.IsConfig);
            }
            catch (BootloaderFailure e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
            }
        }
    }
}
