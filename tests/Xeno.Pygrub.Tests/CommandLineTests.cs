using System.Diagnostics;
using System.Text;
using Xeno.Boot.CommandLine;
using Xeno.Pygrub.Output;

namespace Xeno.Pygrub.Tests;

/// <summary>Option handling, messages and exit codes, checked against Xen's pygrub itself.</summary>
public class CommandLineTests
{
    // Arguments joined with '|'.
    public static TheoryData<string> Invocations() =>
    [
        "",
        "-h",
        "-hx|img",
        "--help|img",
        "--bogus|img",
        "-x|img",
        "--quiet=1|img",
        "--output-format=xml|img",
        "--output-format|xml|img",
        "--output-directory=/nonexistent-dir|img",
        "--offset=abc|img",
        "--offset",
        "--runas=abc|img",
        "--runas=5|img",
        "-q|--output-directory=/tmp|/nonexistent.img",
        "--ent=0|--output-directory=/tmp|/nonexistent.img",
        "-q|--isconfig|--output-directory=/tmp|/nonexistent.cfg",
    ];

    [Theory]
    [MemberData(nameof(Invocations))]
    public void MessagesAndExitCodesMatchXen(string joined)
    {
        // Xen's pygrub leaves empty temp files in its output directory; give it a private one.
        var dir = Tools.TempDirectory();
        var args = joined.Length == 0 ? [] : joined.Replace("=/tmp", "=" + dir).Split('|');
        var xen = Tools.RunXen(args);
        var ours = Tools.RunOurs(args);
        Directory.Delete(dir, recursive: true);
        Assert.Equal(xen.StdoutText, ours.StdoutText);
        Assert.Equal(xen.ExitCode, ours.ExitCode);
        if (xen.Stderr.Contains("Traceback (most recent call last):"))
            Assert.Equal(CompatibilityTests.LastLine(xen.Stderr), CompatibilityTests.LastLine(ours.Stderr));
        else
            Assert.Equal(xen.Stderr, ours.Stderr);
    }

    [Fact]
    public void GetoptClustersPermutesAndTakesSeparateValues()
    {
        var (options, operands) = GnuGetopt.Parse(["-qn", "disk", "--entry", "2", "--output=x", "--", "-l"], "qilnh::",
            ["entry=", "output=", "output-format=", "quiet"]);
        Assert.Equal([("-q", ""), ("-n", ""), ("--entry", "2"), ("--output", "x")], options);
        Assert.Equal(["disk", "-l"], operands);
        Assert.Throws<GetoptException>(() => GnuGetopt.Parse(["--out"], "q", ["output=", "output-format="]));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("it's")]
    [InlineData("say \"hi\"")]
    [InlineData("both ' and \"")]
    [InlineData("tab\tnew\nline\rback\\slash")]
    [InlineData("ctl\u0001\u007f\u0080\u00a0\u00ad")]
    [InlineData("unicode é ü 中 \u2028 \U0001F600")]
    public void SxpQuotingIsPythonRepr(string value)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import sys; s=sys.stdin.buffer.read().decode(); sys.stdout.buffer.write(repr(s).encode())");
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("python3 is needed as the repr() oracle");
        p.StandardInput.BaseStream.Write(Encoding.UTF8.GetBytes(value));
        p.StandardInput.Close();
        var expected = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(expected, PythonRepr.Of(value));
    }

    [Fact]
    public void OutputFormats()
    {
        Assert.Equal("linux (kernel '/d/k')(ramdisk '/d/r')(args 'ro quiet')", BootOutput.Format(PygrubOutputFormat.Sxp, "/d/k", "/d/r", "ro quiet"));
        Assert.Equal("linux (kernel '/d/k')", BootOutput.Format(PygrubOutputFormat.Sxp, "/d/k", null, null));
        Assert.Equal("kernel /d/k\nargs a\n\n", BootOutput.Format(PygrubOutputFormat.Simple, "/d/k", null, "a"));
        Assert.Equal("kernel /d/k\0ramdisk /d/r\0\0", BootOutput.Format(PygrubOutputFormat.Simple0, "/d/k", "/d/r", null));
        Assert.Throws<OutputFormatException>(() => BootOutput.Format(PygrubOutputFormat.Simple, "/d/k", null, "a\nb"));
    }
}
