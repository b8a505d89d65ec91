using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>Names that would leave a folder are refused at create and at rename; nothing is written outside.</summary>
public sealed class NameGuestTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    [Fact]
    public void EscapingNamesAreRefusedAtCreateAndRename()
    {
        var evil = _x.WriteConfig("evil.cfg", $"name=\"../../../tmp/evilx\"\ntype=\"pv\"\nmemory=128\nkernel=\"{_x.Kit.Vmlinuz}\"\n");
        Assert.Equal((1, "", "Invalid domain name \"../../../tmp/evilx\": it contains '/', which would make it a path.\n"), _x.Xl("create", "-q", evil));
        var dom0 = _x.WriteConfig("dom0.cfg", $"name=\"Domain-0\"\ntype=\"pv\"\nmemory=128\nkernel=\"{_x.Kit.Vmlinuz}\"\n");
        Assert.Equal((1, "", "Domain with name \"Domain-0\" already exists.\n"), _x.Xl("create", "-q", dom0));

        Assert.Equal(0, _x.Xl("create", "-q", _x.PvConfig("named")).Exit);
        var (exit, _, err) = _x.Xl("rename", "named", "../../x");
        Assert.NotEqual(0, exit);
        Assert.Contains("Invalid domain name \"../../x\": it contains '/', which would make it a path.", err, StringComparison.Ordinal);
        (exit, _, err) = _x.Xl("rename", "named", "Domain-0");
        Assert.NotEqual(0, exit);
        Assert.Contains("Domain with name \"Domain-0\" already exists.", err, StringComparison.Ordinal);
        Assert.Equal(0, _x.Xl("rename", "named", "still-fine").Exit);
        Assert.Equal(["Domain-0", "still-fine"], _x.ListNames());
        Assert.Equal([], Directory.GetFiles(_x.ConsoleLogDir).Select(Path.GetFileName).Where(f => !f!.StartsWith("named.log", StringComparison.Ordinal)));
    }
}
