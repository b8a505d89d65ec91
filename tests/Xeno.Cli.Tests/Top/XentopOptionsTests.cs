using Xeno.Cli.Commands.Top;

namespace Xeno.Cli.Tests.Top;

public sealed class XentopOptionsTests
{
    private static (XentopOptions? Options, int Exit, string Out, string Err) Parse(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var options = XentopOptions.Parse(args, "xentop", o, e, out int exit);
        return (options, exit, o.ToString(), e.ToString());
    }

    [Fact]
    public void DefaultsAreXentops()
    {
        var o = Parse().Options!;
        Assert.Equal(3, o.Delay);
        Assert.False(o.Batch);
        Assert.Null(o.Iterations);
    }

    [Fact]
    public void ShortLongAndAttachedForms()
    {
        var o = Parse("-b", "-i", "2", "-d1", "--networks", "--vbds", "-rvfz").Options!;
        Assert.Equal((true, 2, 1, true, true, true, true, true, true), (o.Batch, o.Iterations!.Value, o.Delay, o.Networks, o.Vbds, o.RepeatHeader, o.Vcpus, o.FullName, o.Dom0First));
        Assert.Equal(5, Parse("--delay=5").Options!.Delay);
        Assert.Equal(4, Parse("--iterations", "4").Options!.Iterations);
    }

    [Fact]
    public void IterationsOfZeroOrGarbageRunForEverAsInXentop()
    {
        Assert.Null(Parse("-i", "0").Options!.Iterations);
        Assert.Null(Parse("-i", "x").Options!.Iterations);
        Assert.Equal(7, Parse("-i", "7x").Options!.Iterations);
    }

    [Fact]
    public void HelpAndUnknownOptionsPrintTheUsageAndExitZero()
    {
        var help = Parse("-h");
        Assert.Null(help.Options);
        Assert.Equal(0, help.Exit);
        Assert.StartsWith("Usage: xentop [OPTION]\nDisplays ongoing information about xen vm resources \n\n-h, --help ", help.Out, StringComparison.Ordinal);
        var bad = Parse("-q");
        Assert.Equal((0, "xentop: invalid option -- 'q'\n"), (bad.Exit, bad.Err));
        Assert.Equal(help.Out, bad.Out);
        Assert.Equal("xentop: option requires an argument -- 'd'\n", Parse("-d").Err);
    }

    [Theory]
    [InlineData("12", 12)]
    [InlineData("  7s", 7)]
    [InlineData("-3", -3)]
    [InlineData("abc", 0)]
    [InlineData("", 0)]
    [InlineData("99999999999", int.MaxValue)]
    public void AtoiReadsLeadingDigits(string text, int value) => Assert.Equal(value, XentopOptions.Atoi(text));

    [Fact]
    public void AtoiNeverThrowsOnRandomText()
    {
        var random = new Random(1234);
        for (int i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, 24)];
            for (int j = 0; j < chars.Length; j++)
                chars[j] = "0123456789+- \tx\u00e9"[random.Next(16)];
            var text = new string(chars);
            int n = XentopOptions.Atoi(text);
            var trimmed = text.TrimStart();
            if (trimmed.Length == 0 || !(char.IsAsciiDigit(trimmed[0]) || (trimmed.Length > 1 && trimmed[0] is '+' or '-' && char.IsAsciiDigit(trimmed[1]))))
                Assert.Equal(0, n);
        }
    }
}
