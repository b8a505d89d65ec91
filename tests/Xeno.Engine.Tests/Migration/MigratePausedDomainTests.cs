using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// xl migrate of a domain created paused (its kernel never runs, so no guest boot's cost): the
/// whole path (describe, QEMU's send through xl, the receiver's QEMU, the hand-over) with -p,
/// and a channel cut early, which leaves the domain as it was: paused, same domid, nothing else.
/// </summary>
public sealed class MigratePausedDomainTests
{
    private static readonly string XlPath = Path.Combine(AppContext.BaseDirectory, "xl");

    private static string Receiver(Xenod x, string through = "") =>
        $"env XENO_PREFIX={x.Prefix} sh -c 'shift 2; {through}exec {XlPath} \"$@\"' sh";

    private static string[] RunFolders(Xenod x) =>
        [.. Directory.GetDirectories(Path.Combine(x.Prefix, "run/xeno")).Select(d => Path.GetFileName(d)).Where(d => Regex.IsMatch(d, @"^d\d+$"))];

    [Fact]
    public async Task APausedDomainMovesPausedAndACutChannelLeavesItAsItWas()
    {
        string name = "mp-" + Guid.NewGuid().ToString("N")[..6];
        await using var x = await Xenod.StartAsync();
        Assert.Equal(0, x.Xl("create", "-q", "-p", x.PvConfig(name)).Exit);
        int first = x.Domid(name);

        var cut = x.Xl("migrate", "-p", "-s", Receiver(x, "head -c 100000 | "), name, "localhost");
        Assert.True(cut.Exit == 1, cut.Err);
        Assert.EndsWith("Migration failed, resuming at sender.\n", cut.Err);
        Assert.Equal(["Domain-0", name], x.ListNames());
        Assert.Equal(first, x.Domid(name));
        Xenod.AssertRow(@" --p--- ", x.ListRow(name));
        Assert.Equal([$"d{first}"], RunFolders(x));

        var (exit, _, err) = x.Xl("migrate", "-p", "-s", Receiver(x), name, "localhost");
        TestContext.Current.TestOutputHelper?.WriteLine(err);
        Assert.True(exit == 0, err);
        Assert.Contains("migration target: Domain started successsfully.\n", err);
        Assert.EndsWith("Migration successful.\n", err);
        Assert.Equal(["Domain-0", name], x.ListNames());
        int second = x.Domid(name);
        Assert.True(second > first, $"new domid {second} after {first}");
        Xenod.AssertRow(@" --p--- ", x.ListRow(name));
        Assert.Equal([$"d{second}"], RunFolders(x));

        Assert.Equal(0, x.Xl("destroy", name).Exit);
        Assert.Empty(RunFolders(x));
    }
}
