using Xeno.Store.Quotas;
using Xeno.Store.Tests.Support;
using static Xeno.Store.Wire.XsMessageType;

namespace Xeno.Store.Tests.Engine;

public class DomainAndQuotaTests
{
    private readonly EngineHarness h = new();

    [Fact]
    public void IntroduceAndReleaseAreDom0Only()
    {
        var g = h.Domain(3);
        Assert.Equal("!EACCES", h.Req(g, Introduce, 0, "4", "0", "0"));
        Assert.Equal("!EACCES", h.Req(g, Release, 0, "3"));
        Assert.Equal("!EACCES", h.Req(g, Control, 0, "help"));
        Assert.Equal("!EACCES", h.Req(g, GetQuota, 0));
        Assert.Equal("!EACCES", h.Req(g, SetQuota, 0, "nodes", "1"));
        Assert.Equal("!EACCES", h.Req(g, IsDomainIntroduced, 0, "3"));
        Assert.Equal("!EACCES", h.Req(g, SetTarget, 0, "3", "0"));
        Assert.Equal("/local/domain/3", h.Req(g, GetDomainPath, 0, "3"));
        // The privilege check comes before the arguments are looked at.
        Assert.Equal("!EACCES", h.Req(g, Introduce, 0));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, Introduce, 0, "4", "0"));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, Introduce, 0, "0", "0", "0"));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, Release, 0, "44"));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, Resume, 0, "44"));
        Assert.Equal("OK", h.Req(h.Dom0, Resume, 0, "3"));
    }

    [Fact]
    public void ReleaseHandsTheDomainsNodesToDom0AndReportsIt()
    {
        var g = h.Domain(3);
        h.Req(h.Dom0, Mkdir, 0, "/pub");
        h.Req(h.Dom0, SetPerms, 0, "/pub", "b0");
        h.Write(g, "/pub/g", "1");
        Assert.Equal("OK", h.Req(h.Dom0, Release, 0, "3"));
        Assert.Equal([3u], h.Last!.ReleasedDomains);
        Assert.True(g.Closed);
        Assert.Equal("b0", h.Req(h.Dom0, GetPerms, 0, "/pub/g"));
        Assert.Null(h.Engine.CheckInvariants());
    }

    [Fact]
    public void ReleaseRevokesGrantsToTheDomain()
    {
        h.Domain(3);
        h.Write(h.Dom0, "/shared", "1");
        h.Req(h.Dom0, SetPerms, 0, "/shared", "n0", "r3", "w4");
        Assert.Equal("OK", h.Req(h.Dom0, Release, 0, "3"));
        Assert.Equal("n0|w4", h.Req(h.Dom0, GetPerms, 0, "/shared").Replace('\0', '|'));
        // A new domain 3 starts with nothing.
        var again = h.Domain(3);
        Assert.Equal("!EACCES", h.Read(again, "/shared"));
    }

    [Fact]
    public void NodeQuotaBindsGuestsNotDom0()
    {
        var g = h.Domain(3);
        h.Req(h.Dom0, Mkdir, 0, "/pub");
        h.Req(h.Dom0, SetPerms, 0, "/pub", "b0");
        h.Engine.Quotas.SetForDomain(3, QuotaNames.Nodes, 5);
        for (var i = 0; i < 5; i++) Assert.Equal("OK", h.Write(g, "/pub/n" + i, ""));
        Assert.Equal("!ENOSPC", h.Write(g, "/pub/n5", ""));
        Assert.Equal("!ENOSPC", h.Write(g, "/pub/deep/er", ""));
        Assert.Equal("OK", h.Write(g, "/pub/n0", "rewrite is fine"));
        Assert.Equal("OK", h.Req(g, Rm, 0, "/pub/n0"));
        Assert.Equal("OK", h.Write(g, "/pub/n5", ""));
    }

    [Fact]
    public void NodeSizeAndPermissionCountQuotas()
    {
        var g = h.Domain(3);
        h.Req(h.Dom0, Mkdir, 0, "/pub");
        h.Req(h.Dom0, SetPerms, 0, "/pub", "b0");
        Assert.Equal("OK", h.Write(g, "/pub/v", new string('x', 2048)));
        Assert.Equal("!ENOSPC", h.Write(g, "/pub/v", new string('x', 2049)));
        Assert.Equal("OK", h.Write(h.Dom0, "/pub/v", new string('x', 4000)));
        h.Write(g, "/pub/p", "");
        Assert.Equal("OK", h.Req(g, SetPerms, 0, "/pub/p", "n3", "r1", "r2", "r4", "r5"));
        Assert.Equal("!ENOSPC", h.Req(g, SetPerms, 0, "/pub/p", "n3", "r1", "r2", "r4", "r5", "r6"));
    }

    [Fact]
    public void GuestPathLengthIsLimitedBelowItsHome()
    {
        var g = h.Domain(3);
        h.Req(h.Dom0, Mkdir, 0, "/local/domain/3");
        h.Req(h.Dom0, SetPerms, 0, "/local/domain/3", "b3");
        Assert.Equal("OK", h.Write(g, new string('a', 2048), ""));
        Assert.Equal("!EINVAL", h.Write(g, new string('a', 2049), ""));
    }

    [Fact]
    public void GetQuotaListsNamesAndValues()
    {
        Assert.Equal(string.Join('|', QuotaNames.All), h.Req(h.Dom0, GetQuota, 0).Replace('\0', '|'));
        Assert.Equal("1000", h.Req(h.Dom0, GetQuota, 0, "nodes"));
        Assert.Equal("128", h.Req(h.Dom0, GetQuota, 0, "watches"));
        Assert.Equal("20", h.Req(h.Dom0, GetQuota, 0, "outstanding"));
        Assert.Equal("2621440", h.Req(h.Dom0, GetQuota, 0, "memory"));
        Assert.Equal("10", h.Req(h.Dom0, GetQuota, 0, "transactions"));
        Assert.Equal("1024", h.Req(h.Dom0, GetQuota, 0, "transaction-nodes"));
        Assert.Equal("5", h.Req(h.Dom0, GetQuota, 0, "node-permissions"));
        Assert.Equal("2048", h.Req(h.Dom0, GetQuota, 0, "path-max"));
        Assert.Equal("2048", h.Req(h.Dom0, GetQuota, 0, "node-size"));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, GetQuota, 0, "bogus"));
    }

    [Fact]
    public void SetQuotaGlobalAndPerDomain()
    {
        h.Domain(3);
        Assert.Equal("OK", h.Req(h.Dom0, SetQuota, 0, "nodes", "50"));
        Assert.Equal("50", h.Req(h.Dom0, GetQuota, 0, "nodes"));
        Assert.Equal("50", h.Req(h.Dom0, GetQuota, 0, "3", "nodes"));
        Assert.Equal("OK", h.Req(h.Dom0, SetQuota, 0, "3", "nodes", "7"));
        Assert.Equal("7", h.Req(h.Dom0, GetQuota, 0, "3", "nodes"));
        Assert.Equal("50", h.Req(h.Dom0, GetQuota, 0, "nodes"));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, SetQuota, 0, "8", "nodes", "7"));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, SetQuota, 0, "nodes", "lots"));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, GetQuota, 0, "8", "nodes"));
    }

    [Fact]
    public void ControlCommands()
    {
        Assert.Contains("quota", h.Req(h.Dom0, Control, 0, "help"));
        Assert.Equal("OK", h.Req(h.Dom0, Control, 0, "check"));
        Assert.Contains("nodes             :     1000", h.Req(h.Dom0, Control, 0, "quota"));
        Assert.Equal("OK", h.Req(h.Dom0, Control, 0, "quota", "watches", "64"));
        Assert.Equal("64", h.Req(h.Dom0, GetQuota, 0, "watches"));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, Control, 0, "frobnicate"));
        h.Domain(3);
        Assert.Contains("nodes", h.Req(h.Dom0, Control, 0, "quota", "3"));
    }

    [Fact]
    public void Features()
    {
        Assert.Equal("4", h.Req(h.Dom0, GetFeature, 0));
        h.Domain(3);
        Assert.Equal("OK", h.Req(h.Dom0, SetFeature, 0, "3", "0"));
        Assert.Equal("0", h.Req(h.Dom0, GetFeature, 0, "3"));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, SetFeature, 0, "3", "1"));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, GetFeature, 0, "9"));
    }
}

public class MemoryQuotaTests
{
    private readonly EngineHarness h = new();

    [Fact]
    public void MemoryQuotaBindsGuestsAndCountsWhatTheyOwn()
    {
        var g = h.Domain(3);
        h.Req(h.Dom0, Mkdir, 0, "/pub");
        h.Req(h.Dom0, SetPerms, 0, "/pub", "b0");
        h.Engine.Quotas.SetForDomain(3, QuotaNames.Memory, 10_000);
        var written = 0;
        string reply;
        while ((reply = h.Write(g, $"/pub/m{written}", new string('x', 1000))) == "OK") written++;
        Assert.Equal("!ENOMEM", reply);
        Assert.InRange(written, 8, 10);
        Assert.InRange(h.Engine.Tree.BytesOwnedBy(3), 8_000, 10_000);
        Assert.Equal("OK", h.Req(g, Rm, 0, "/pub/m0"));
        Assert.Equal("OK", h.Write(g, "/pub/again", new string('x', 900)));
        Assert.Equal("OK", h.Write(h.Dom0, "/pub/dom0", new string('x', 2000)));
        Assert.Null(h.Engine.CheckInvariants());
    }
}
