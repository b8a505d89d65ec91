using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// memory= below maxmem= on a real guest: QEMU gets maxmem of RAM and a virtio-balloon device, the
/// target starts at memory=, xl mem-set / mem-max move it with xl's checks and texts, xl list's Mem
/// column follows the target, and the target survives a xenod restart. The guest kit loads no
/// virtio_balloon driver, so the guest-side shrink is not asserted here (QEMU accepts the target).
/// </summary>
public sealed class MemoryTests
{
    private static string ListRow(Xenod x, string name) =>
        x.Xl("list", name).Out.Split('\n')[1];

    [Fact]
    public async Task MemSetAndMemMaxFollowXlWithABalloonBelowMaxmem()
    {
        await using var x = await Xenod.StartAsync();
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("mem-a", memory: 128, extra: "maxmem=192\n")).Exit);
        var snap = await x.Host!.Engine.GetAsync("mem-a", TestContext.Current.CancellationToken);
        var cmdline = File.ReadAllText($"/proc/{snap.QemuPid}/cmdline").Split('\0');
        Assert.Equal("192M", cmdline[Array.IndexOf(cmdline, "-m") + 1]);
        Assert.Contains("virtio-balloon-pci,id=balloon0", cmdline);
        Assert.StartsWith("mem-a                                        1   128     1     ", ListRow(x, "mem-a"), StringComparison.Ordinal);

        // Down and up again within maxmem; sizes as xl reads them (no unit = MiB; k, g, b ...).
        Assert.Equal((0, "", ""), x.Xl("mem-set", "mem-a", "96"));
        Assert.StartsWith("mem-a                                        1    96     1     ", ListRow(x, "mem-a"), StringComparison.Ordinal);
        Assert.Equal((0, "", ""), x.Xl("mem-set", "1", "100000k"));
        Assert.StartsWith("mem-a                                        1    97     1     ", ListRow(x, "mem-a"), StringComparison.Ordinal);
        Assert.Equal(100_000, (await x.Host.Engine.GetAsync("mem-a", TestContext.Current.CancellationToken)).TargetKb);
        // libxl writes the target where guests and tools read it.
        Assert.Equal((0, "100000\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/1/memory/target"));

        // Xen's refusals.
        Assert.Equal((1, "", "libxl: error: Domain 1:memory_dynamic_max must be less than or equal to memory_static_max\n" +
                             "cannot set domid 1 dynamic max memory to : 1g\n"), x.Xl("mem-set", "mem-a", "1g"));
        Assert.Equal((1, "", "invalid memory size: 12x\n"), x.Xl("mem-set", "mem-a", "12x"));
        Assert.Equal((1, "", "invalid memory size: 5mb\n"), x.Xl("mem-max", "mem-a", "5mb"));
        Assert.Equal((1, "", "libxl: error: Domain 1:memory_static_max must be greater than or or equal to memory_dynamic_max\n" +
                             "cannot set domid 1 static max memory to : 64\n"), x.Xl("mem-max", "mem-a", "64"));
        Assert.Equal((1, "", "nope is an invalid domain identifier (rc=-6)\n"), x.Xl("mem-set", "nope", "64"));
        Assert.Equal(2, x.Xl("mem-set", "mem-a").Exit);

        // mem-max lowers the ceiling that mem-set checks; above QEMU's RAM it is refused, naming why.
        Assert.Equal((0, "", ""), x.Xl("mem-max", "mem-a", "150m"));
        Assert.Equal((0, "153600\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/1/memory/static-max"));
        Assert.Equal(1, x.Xl("mem-set", "mem-a", "160").Exit);
        Assert.Equal((0, "", ""), x.Xl("mem-set", "mem-a", "150"));
        var above = x.Xl("mem-max", "mem-a", "1024");
        Assert.Equal(1, above.Exit);
        Assert.Contains("was started with 192 MiB of RAM", above.Err, StringComparison.Ordinal);

        // The target and maximum live in the runtime record: a restarted xenod shows the same.
        await x.StopHostAsync();
        await x.StartHostAsync();
        Assert.StartsWith("mem-a                                        1   150     1     ", ListRow(x, "mem-a"), StringComparison.Ordinal);
        Assert.Equal(1, x.Xl("mem-set", "mem-a", "151").Exit);
        Assert.Equal((0, "", ""), x.Xl("destroy", "mem-a"));
    }

    [Fact]
    public async Task WithoutMaxmemThereIsNoBalloonAndMemSetOnlyLowersTheTarget()
    {
        await using var x = await Xenod.StartAsync();
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("mem-b", memory: 128)).Exit);
        var snap = await x.Host!.Engine.GetAsync("mem-b", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("balloon", File.ReadAllText($"/proc/{snap.QemuPid}/cmdline"), StringComparison.Ordinal);
        Assert.Equal((0, "", ""), x.Xl("mem-set", "mem-b", "100"));
        Assert.StartsWith("mem-b                                        1   100     1     ", ListRow(x, "mem-b"), StringComparison.Ordinal);
        Assert.Equal(1, x.Xl("mem-set", "mem-b", "129").Exit);
        // xl info and xl list add up with a guest running (Domain-0 is the host's own use).
        HostInfoTests.AssertMemoryAddsUp(x, 100);

        // xl list -l: Domain-0 first (as xl lists dom0), then the guests; naming a guest lists it alone.
        var all = System.Text.Json.Nodes.JsonNode.Parse(x.Xl("list", "-l").Out)!.AsArray();
        Assert.Equal((0, "Domain-0"), (all[0]!["domid"]!.GetValue<int>(), all[0]!["config"]!["name"]!.GetValue<string>()));
        Assert.Equal((1, "mem-b"), (all[1]!["domid"]!.GetValue<int>(), all[1]!["config"]!["name"]!.GetValue<string>()));
        var one = System.Text.Json.Nodes.JsonNode.Parse(x.Xl("list", "-l", "mem-b").Out)!.AsArray();
        Assert.Equal(1, Assert.Single(one)!["domid"]!.GetValue<int>());
        Assert.Equal((0, "", ""), x.Xl("destroy", "mem-b"));
    }
}
