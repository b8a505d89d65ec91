using Xeno.Store.Wire;
using Xeno.Store.Tests.Support;
using static Xeno.Store.Wire.XsMessageType;

namespace Xeno.Store.Tests.Engine;

public class TransactionTests
{
    private readonly EngineHarness h = new();

    private uint Start(Xeno.Store.Sessions.StoreSession s) => uint.Parse(h.Req(s, TransactionStart, 0, ""));

    [Fact]
    public void WritesAreInvisibleUntilCommit()
    {
        var t = Start(h.Dom0);
        Assert.Equal("OK", h.Write(h.Dom0, "/t/a", "1", t));
        Assert.Equal("1", h.Read(h.Dom0, "/t/a", t));
        Assert.Equal("!ENOENT", h.Read(h.Dom0, "/t/a"));
        Assert.Equal("OK", h.Req(h.Dom0, TransactionEnd, t, "T"));
        Assert.Equal("1", h.Read(h.Dom0, "/t/a"));
        Assert.Null(h.Engine.CheckInvariants());
    }

    [Fact]
    public void AbortDiscards()
    {
        var t = Start(h.Dom0);
        h.Write(h.Dom0, "/t/a", "1", t);
        Assert.Equal("OK", h.Req(h.Dom0, TransactionEnd, t, "F"));
        Assert.Equal("!ENOENT", h.Read(h.Dom0, "/t/a"));
        Assert.Equal("!ENOENT", h.Read(h.Dom0, "/t/a", t));
    }

    [Fact]
    public void ConflictOnReadNodeGivesEagainAndKeepsSnapshot()
    {
        h.Write(h.Dom0, "/c", "a");
        var t = Start(h.Dom0);
        Assert.Equal("a", h.Read(h.Dom0, "/c", t));
        h.Write(h.Dom0, "/c", "b");
        Assert.Equal("a", h.Read(h.Dom0, "/c", t));
        h.Write(h.Dom0, "/other", "x", t);
        Assert.Equal("!EAGAIN", h.Req(h.Dom0, TransactionEnd, t, "T"));
        Assert.Equal("b", h.Read(h.Dom0, "/c"));
        Assert.Equal("!ENOENT", h.Read(h.Dom0, "/other"));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, TransactionEnd, t, "T"));
    }

    [Fact]
    public void UnrelatedChangesDoNotConflict()
    {
        h.Write(h.Dom0, "/u/a", "1");
        h.Write(h.Dom0, "/v/b", "1");
        var t = Start(h.Dom0);
        h.Read(h.Dom0, "/u/a", t);
        h.Write(h.Dom0, "/u/a", "2", t);
        h.Write(h.Dom0, "/v/b", "outside");
        Assert.Equal("OK", h.Req(h.Dom0, TransactionEnd, t, "T"));
        Assert.Equal("2", h.Read(h.Dom0, "/u/a"));
    }

    [Fact]
    public void CreationOfSameChildConcurrentlyConflicts()
    {
        h.Write(h.Dom0, "/p", "");
        var t = Start(h.Dom0);
        h.Write(h.Dom0, "/p/x", "tx", t);
        h.Write(h.Dom0, "/p/y", "outside");
        Assert.Equal("!EAGAIN", h.Req(h.Dom0, TransactionEnd, t, "T"));
        Assert.Equal("!ENOENT", h.Read(h.Dom0, "/p/x"));
    }

    [Fact]
    public void RemovalInsideTransactionCommits()
    {
        h.Write(h.Dom0, "/r/a/b", "1");
        h.Write(h.Dom0, "/r/c", "1");
        var t = Start(h.Dom0);
        Assert.Equal("OK", h.Req(h.Dom0, Rm, t, "/r/a"));
        Assert.Equal("!ENOENT", h.Read(h.Dom0, "/r/a/b", t));
        Assert.Equal("1", h.Read(h.Dom0, "/r/a/b"));
        Assert.Equal("OK", h.Write(h.Dom0, "/r/a/new", "n", t));
        Assert.Equal("OK", h.Req(h.Dom0, TransactionEnd, t, "T"));
        Assert.Equal("!ENOENT", h.Read(h.Dom0, "/r/a/b"));
        Assert.Equal("n", h.Read(h.Dom0, "/r/a/new"));
        Assert.Equal("c|a", h.Req(h.Dom0, XsMessageType.Directory, 0, "/r").Replace('\0', '|'));
        Assert.Null(h.Engine.CheckInvariants());
    }

    [Fact]
    public void NestedStartIsEbusyAndUnknownIdIsEnoent()
    {
        var t = Start(h.Dom0);
        Assert.Equal("!EBUSY", h.Req(h.Dom0, TransactionStart, t, ""));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, TransactionStart, 999, ""));
        Assert.Equal("!ENOENT", h.Read(h.Dom0, "/", 999));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, TransactionEnd, t, "X"));
        Assert.Equal("OK", h.Req(h.Dom0, TransactionEnd, t, "F"));
    }

    [Fact]
    public void UnknownTransactionIdIsEnoentForEveryTypeButWatches()
    {
        Assert.Equal("!ENOENT", h.Req(h.Dom0, GetDomainPath, 77, "1"));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, Introduce, 77, "5", "0", "0"));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, ResetWatches, 77));
        Assert.Equal("OK", h.Req(h.Dom0, Watch, 77, "/w", "t"));
        Assert.Equal("OK", h.Req(h.Dom0, Unwatch, 77, "/w", "t"));
        var t = Start(h.Dom0);
        Assert.Equal("/local/domain/1", h.Req(h.Dom0, GetDomainPath, t, "1"));
    }

    [Fact]
    public void TransactionsArePerConnection()
    {
        var other = h.Engine.Connect(0);
        var t = Start(h.Dom0);
        Assert.Equal("!ENOENT", h.Read(other, "/", t));
        Assert.Equal("!ENOENT", h.Req(other, TransactionEnd, t, "T"));
    }

    [Fact]
    public void WatchesFireOnlyAtCommit()
    {
        var w = h.Engine.Connect(0);
        h.Req(w, Watch, 0, "/tw", "tok");
        h.EventsFor(w);
        var t = Start(h.Dom0);
        h.Write(h.Dom0, "/tw/a", "1", t);
        Assert.Empty(h.EventsFor(w));
        h.Req(h.Dom0, TransactionEnd, t, "T");
        Assert.Equal(["/tw/a|tok"], h.EventsFor(w));
    }

    [Fact]
    public void AbortedTransactionFiresNothing()
    {
        var w = h.Engine.Connect(0);
        h.Req(w, Watch, 0, "/tw", "tok");
        h.EventsFor(w);
        var t = Start(h.Dom0);
        h.Write(h.Dom0, "/tw/a", "1", t);
        h.Req(h.Dom0, TransactionEnd, t, "F");
        Assert.Empty(h.EventsFor(w));
    }

    [Fact]
    public void GuestTransactionLimitIsTenPlusTheOneXenLetsThrough()
    {
        var g = h.Domain(3);
        for (var i = 0; i < 11; i++) Assert.DoesNotContain("!", h.Req(g, TransactionStart, 0, ""));
        Assert.Equal("!ENOSPC", h.Req(g, TransactionStart, 0, ""));
        for (var i = 0; i < 20; i++) Assert.DoesNotContain("!", h.Req(h.Dom0, TransactionStart, 0, ""));
    }

    [Fact]
    public void ResetWatchesDropsTransactionsToo()
    {
        var t = Start(h.Dom0);
        Assert.Equal("OK", h.Req(h.Dom0, ResetWatches, 0));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, TransactionEnd, t, "T"));
    }

    [Fact]
    public void GuestTransactionNodeLimit()
    {
        var g = h.Domain(3);
        h.Req(h.Dom0, Mkdir, 0, "/pub");
        h.Req(h.Dom0, SetPerms, 0, "/pub", "b0");
        h.Engine.Quotas.SetForDomain(3, Xeno.Store.Quotas.QuotaNames.TransactionNodes, 6);
        var t = Start(g);
        var i = 0;
        string reply;
        while ((reply = h.Write(g, $"/pub/n{i}", "", t)) == "OK") i++;
        Assert.Equal("!ENOSPC", reply);
        Assert.InRange(i, 3, 6);
        Assert.Equal("OK", h.Req(g, TransactionEnd, t, "T"));
        Assert.Equal("", h.Read(h.Dom0, "/pub/n0"));
    }
}
