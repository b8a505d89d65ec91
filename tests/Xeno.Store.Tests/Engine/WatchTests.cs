using Xeno.Store.Tests.Support;
using static Xeno.Store.Wire.XsMessageType;

namespace Xeno.Store.Tests.Engine;

public class WatchTests
{
    private readonly EngineHarness h = new();

    [Fact]
    public void RegistrationFiresOnceImmediatelyAfterTheReply()
    {
        var outcome = h.Engine.Process(h.Dom0, Xeno.Store.Wire.XsMessage.Create(Watch, 5, 0, "/w", "tok"));
        Assert.Equal(2, outcome.Outgoing.Count);
        Assert.Equal(Watch, outcome.Outgoing[0].Message.Type);
        Assert.Equal(WatchEvent, outcome.Outgoing[1].Message.Type);
        Assert.Equal("/w\0tok\0"u8.ToArray(), outcome.Outgoing[1].Message.Payload);
        Assert.Equal(0u, outcome.Outgoing[1].Message.RequestId);
    }

    [Fact]
    public void FiresForPathAndDescendantsNotSiblings()
    {
        h.Req(h.Dom0, Watch, 0, "/w", "t");
        h.EventsFor(h.Dom0);
        h.Write(h.Dom0, "/w", "1");
        h.Write(h.Dom0, "/w/a/b", "1");
        h.Write(h.Dom0, "/wx", "1");
        h.Req(h.Dom0, Mkdir, 0, "/w/m");
        h.Req(h.Dom0, SetPerms, 0, "/w/m", "r0");
        Assert.Equal(["/w|t", "/w/a/b|t", "/w/m|t", "/w/m|t"], h.EventsFor(h.Dom0));
    }

    [Fact]
    public void RecursiveRemoveNotifiesWatchesInsideWithTheirOwnPath()
    {
        h.Write(h.Dom0, "/r/a/b", "1");
        h.Req(h.Dom0, Watch, 0, "/r/a/b", "inner");
        h.Req(h.Dom0, Watch, 0, "/", "root");
        h.EventsFor(h.Dom0);
        h.Req(h.Dom0, Rm, 0, "/r");
        Assert.Equal(["/r/a/b|inner", "/r|root"], h.EventsFor(h.Dom0).Order().ToList());
    }

    [Fact]
    public void DepthLimitsHowFarBelowEventsCome()
    {
        h.Req(h.Dom0, Watch, 0, "/d", "t", "1");
        h.EventsFor(h.Dom0);
        h.Write(h.Dom0, "/d", "");
        h.Write(h.Dom0, "/d/a", "");
        h.Write(h.Dom0, "/d/a/b", "");
        Assert.Equal(["/d|t", "/d/a|t"], h.EventsFor(h.Dom0));
    }

    [Fact]
    public void RelativeWatchReportsRelativePaths()
    {
        h.Req(h.Dom0, Watch, 0, "control", "t");
        Assert.Equal(["control|t"], h.EventsFor(h.Dom0));
        h.Write(h.Dom0, "/local/domain/0/control/shutdown", "poweroff");
        Assert.Equal(["control/shutdown|t"], h.EventsFor(h.Dom0));
    }

    [Fact]
    public void DuplicateIsEexistUnwatchUnknownIsEnoent()
    {
        Assert.Equal("OK", h.Req(h.Dom0, Watch, 0, "/w", "t"));
        Assert.Equal("!EEXIST", h.Req(h.Dom0, Watch, 0, "/w", "t"));
        Assert.Equal("OK", h.Req(h.Dom0, Watch, 0, "/w", "t2"));
        Assert.Equal("OK", h.Req(h.Dom0, Unwatch, 0, "/w", "t"));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, Unwatch, 0, "/w", "t"));
        h.EventsFor(h.Dom0);
        h.Write(h.Dom0, "/w", "x");
        Assert.Equal(["/w|t2"], h.EventsFor(h.Dom0));
    }

    [Fact]
    public void BadWatchRequestsAreEinval()
    {
        Assert.Equal("!EINVAL", h.Req(h.Dom0, Watch, 0, "/w"));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, Watch, 0, "/w//x", "t"));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, Watch, 0, "@bogus", "t"));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, Watch, 0, "/w", "t", "deep"));
    }

    [Fact]
    public void EventsRespectReadPermission()
    {
        var g = h.Domain(3);
        h.Req(g, Watch, 0, "/secret", "t");
        h.EventsFor(g);
        h.Write(h.Dom0, "/secret", "x");
        Assert.Empty(h.EventsFor(g));
        h.Req(h.Dom0, SetPerms, 0, "/secret", "r0");
        Assert.Equal(["/secret|t"], h.EventsFor(g));
    }

    [Fact]
    public void ReadableParentOrFormerPermissionsAlsoLetEventsThrough()
    {
        var g = h.Domain(3);
        h.Write(h.Dom0, "/open", "");
        h.Req(h.Dom0, SetPerms, 0, "/open", "r0");
        h.Write(h.Dom0, "/open/closed", "");
        h.Req(h.Dom0, SetPerms, 0, "/open/closed", "n0");
        h.Req(g, Watch, 0, "/open", "t");
        h.EventsFor(g);
        // The node is unreadable but its parent is readable: Xen sends the event.
        h.Write(h.Dom0, "/open/closed", "x");
        Assert.Equal(["/open/closed|t"], h.EventsFor(g));

        h.Write(h.Dom0, "/shut", "");
        h.Req(h.Dom0, SetPerms, 0, "/shut", "r0");
        h.Req(g, Watch, 0, "/shut", "s");
        h.EventsFor(g);
        // Losing read access is still reported once, thanks to the old permissions.
        h.Req(h.Dom0, SetPerms, 0, "/shut", "n0");
        Assert.Equal(["/shut|s"], h.EventsFor(g));
        h.Write(h.Dom0, "/shut", "y");
        Assert.DoesNotContain(h.EventsFor(g), e => e.StartsWith("/shut", StringComparison.Ordinal));
    }

    [Fact]
    public void SpecialWatchesFireOnIntroduceAndRelease()
    {
        h.Req(h.Dom0, Watch, 0, "@introduceDomain", "i");
        h.Req(h.Dom0, Watch, 0, "@releaseDomain", "r");
        Assert.Equal(["@introduceDomain|i", "@releaseDomain|r"], h.EventsFor(h.Dom0));
        h.Req(h.Dom0, Introduce, 0, "9", "0", "0");
        Assert.Equal(["@introduceDomain|i"], h.EventsFor(h.Dom0));
        h.Req(h.Dom0, Release, 0, "9");
        Assert.Equal(["@releaseDomain|r"], h.EventsFor(h.Dom0));
        h.Write(h.Dom0, "/x", "1");
        Assert.Empty(h.EventsFor(h.Dom0));
    }

    [Fact]
    public void GuestNeedsPermissionForSpecialEvents()
    {
        var g = h.Domain(3);
        h.Req(g, Watch, 0, "@releaseDomain", "r");
        h.EventsFor(g);
        h.Req(h.Dom0, Introduce, 0, "9", "0", "0");
        h.Req(h.Dom0, Release, 0, "9");
        Assert.Empty(h.EventsFor(g));
        h.Req(h.Dom0, SetPerms, 0, "@releaseDomain", "n0", "r3");
        h.Req(h.Dom0, Introduce, 0, "9", "0", "0");
        h.Req(h.Dom0, Release, 0, "9");
        Assert.Equal(["@releaseDomain|r"], h.EventsFor(g));
    }

    [Fact]
    public void GuestWatchLimitIsE2bigCountedPerDomain()
    {
        var g = h.Domain(3);
        var second = h.Engine.Connect(3);
        // Xen refuses once the domain already has more than 128: the 130th watch.
        for (var i = 0; i < 100; i++) Assert.Equal("OK", h.Req(g, Watch, 0, "/w", "t" + i));
        for (var i = 0; i < 29; i++) Assert.Equal("OK", h.Req(second, Watch, 0, "/w", "t" + i));
        Assert.Equal("!E2BIG", h.Req(g, Watch, 0, "/w", "one-more"));
        Assert.Equal("!E2BIG", h.Req(second, Watch, 0, "/w", "one-more"));
        Assert.Equal("OK", h.Req(g, ResetWatches, 0));
        Assert.Equal("OK", h.Req(g, Watch, 0, "/w", "again"));
    }

    [Fact]
    public void DisconnectDropsWatches()
    {
        var w = h.Engine.Connect(0);
        h.Req(w, Watch, 0, "/w", "t");
        h.Engine.Disconnect(w);
        h.Delivered.Clear();
        h.Write(h.Dom0, "/w", "x");
        Assert.Empty(h.Delivered);
    }

    [Fact]
    public void EventsThatWouldNotFitAFrameAreNotSent()
    {
        var token = new string('t', 2000);
        Assert.Equal("OK", h.Req(h.Dom0, Watch, 0, "/w", token));
        h.EventsFor(h.Dom0);
        var deep = "/w/" + new string('p', 2500);
        Assert.Equal("OK", h.Write(h.Dom0, deep, ""));
        Assert.Empty(h.EventsFor(h.Dom0));
        h.Write(h.Dom0, "/w/short", "");
        Assert.Single(h.EventsFor(h.Dom0));
    }
}
