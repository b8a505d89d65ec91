using Xeno.Boot.Loaders;

namespace Xeno.Boot.Tests.Loaders;

public class EntrySelectorTests
{
    private static BootMenu Menu(long defaultIndex, int count = 3) => new(ConfigKind.GrubLegacy, "/m",
        [.. Enumerable.Range(0, count).Select(i => new BootEntry($"e{i}", null, $"/k{i}", null, null))], defaultIndex, null, "-1", []);

    [Theory]
    [InlineData(1, null, 1)]
    [InlineData(1, "2", 2)]
    [InlineData(1, " +2 ", 2)]     // Python int() accepts blanks and a sign
    [InlineData(1, "e0", 0)]       // a title
    [InlineData(1, "7", 1)]        // out of range: keep the default
    [InlineData(1, "-1", 1)]
    [InlineData(1, "nope", 1)]
    [InlineData(3, null, 0)]       // default == count: pygrub's IndexError path, first entry
    public void ChoosesLikePygrub(long defaultIndex, string? requested, int expected)
    {
        var diagnostics = new List<BootDiagnostic>();
        Assert.Equal(expected, EntrySelector.Select(Menu(defaultIndex), requested, diagnostics));
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void DefaultBeyondTheEndWarns()
    {
        var diagnostics = new List<BootDiagnostic>();
        Assert.Equal(0, EntrySelector.Select(Menu(9), null, diagnostics));
        Assert.Equal("WARNING:root:Default image not found", Assert.Single(diagnostics).ToPythonLogLine());
    }

    [Fact]
    public void NoEntriesIsATypedError() =>
        Assert.Throws<BootException>(() => EntrySelector.Select(Menu(0, 0), null, []));
}
