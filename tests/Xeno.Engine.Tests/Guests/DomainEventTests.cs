using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>The engine's events for one domain's life: pause, rename, an ACPI reboot with rename-restart, destroy.</summary>
public sealed class DomainEventTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ADomainsLifeIsPublishedInOrderWithXensNames()
    {
        await using var x = await Xenod.StartAsync();
        var events = new RecordedEvents();
        x.Host!.Engine.Events = events;
        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.PvConfig("ev", extra: "on_reboot=\"rename-restart\"\n")));
        int first = x.Domid("ev");
        await x.WaitForMarkerAsync("ev");
        Assert.Equal((0, "", ""), x.Xl("pause", "ev"));
        Assert.Equal((0, "", ""), x.Xl("unpause", "ev"));
        Assert.Equal((0, "", ""), x.Xl("rename", "ev", "ev2"));
        Assert.Equal(0, (await Task.Run(() => x.Xl("reboot", "-F", "ev2"), Token).WaitAsync(TimeSpan.FromMinutes(2), Token)).Exit);
        await Xenod.WaitForAsync(() => events.Lines(first).Any(l => l.StartsWith("restarted", StringComparison.Ordinal)), "the restarted event", 300);

        var kept = x.Xl("domname", first.ToString(System.Globalization.CultureInfo.InvariantCulture)).Out.Trim();
        Assert.StartsWith("ev2-", kept, StringComparison.Ordinal);
        int second = x.Domid("ev2");
        Assert.True(second > first);
        Assert.Equal(
        [
            "created", "phase running", "paused", "unpaused", "renamed ev -> ev2",
            "phase shutdown", "shutdown reboot 1 rename-restart", $"renamed ev2 -> {kept}",
            $"restarted ev2 as {second}, kept {kept}",
        ], events.Lines(first));
        Assert.Equal(["created", "phase running"], events.Lines(second));

        Assert.Equal((0, "", ""), x.Xl("destroy", kept));
        Assert.Equal((0, "", ""), x.Xl("destroy", "ev2"));
        Assert.Equal(["phase dying", "destroyed"], events.Lines(first)[^2..]);
        Assert.Equal(["created", "phase running", "phase dying", "destroyed"], events.Lines(second));
    }
}
