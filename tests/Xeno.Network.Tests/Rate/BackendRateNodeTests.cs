using Xeno.Network.Planning;
using Xeno.Network.Rate;

namespace Xeno.Network.Tests.Rate;

public sealed class BackendRateNodeTests
{
    [Theory]
    [InlineData("/local/domain/0/backend/vif/5/0/rate", 5, 0)]
    [InlineData("/local/domain/0/backend/vif/65535/12/rate", 65535, 12)]
    public void ARateNodeNamesItsVif(string path, int domid, int devid) =>
        Assert.Equal((domid, devid), BackendRateNode.Parse(path));

    [Theory]
    [InlineData(null)]
    [InlineData("/local/domain/0/backend/vif")]
    [InlineData("/local/domain/0/backend/vif/5")]
    [InlineData("/local/domain/0/backend/vif/5/0")]
    [InlineData("/local/domain/0/backend/vif/5/0/mac")]
    [InlineData("/local/domain/0/backend/vif/5/0/rate/x")]
    [InlineData("/local/domain/0/backend/vbd/5/0/rate")]
    [InlineData("/local/domain/1/backend/vif/5/0/rate")]
    [InlineData("/local/domain/0/backend/vif/-5/0/rate")]
    [InlineData("/local/domain/0/backend/vif/05/0/rate")]
    [InlineData("/local/domain/0/backend/vif/5//rate")]
    [InlineData("/local/domain/0/backend/vif/9999999999/0/rate")]
    [InlineData("/local/domain/0/backend/vif/５/0/rate")]
    public void AnythingElseIsNotARateNode(string? path) => Assert.Null(BackendRateNode.Parse(path));

    [Fact]
    public void RandomPathsNeverThrowAndOnlyWellFormedOnesParse()
    {
        var r = new Random(1010);
        string[] pieces = ["/", "local", "domain", "0", "backend", "vif", "rate", "7", "00", "-1", "", "x", "\0", "é", "4294967296"];
        for (int i = 0; i < 20000; i++)
        {
            string path = i % 2 == 0
                ? string.Concat(Enumerable.Range(0, r.Next(1, 14)).Select(_ => pieces[r.Next(pieces.Length)]))
                : BackendRateNode.WatchRoot + string.Concat(Enumerable.Range(0, r.Next(0, 6)).Select(_ => pieces[r.Next(pieces.Length)]));
            if (BackendRateNode.Parse(path) is var (domid, devid))
                Assert.Equal($"{BackendRateNode.WatchRoot}/{domid}/{devid}/rate", path);
        }
    }

    [Fact]
    public void ANewRateKeepsTheVifsAntiSpoofingAndAnUnreadableOneMeansUnlimitedAsNetback()
    {
        var plan = VifPlanner.Plan(VifPlannerTests.Vif(script: "vif-route", ip: "192.0.2.50"), 3, Xeno.Config.Domain.DomainKind.Pv)
            with { Rate = new VifRateLimit(62500, 50000) };
        var (policy, error) = BackendRateNode.PolicyFor(plan, "20000,20000");
        Assert.Null(error);
        Assert.Equal(new TransmitRate(1000000, 131072), policy.Rate);
        Assert.Equal(["192.0.2.50"], policy.AntiSpoof!.IPv4);

        (policy, error) = BackendRateNode.PolicyFor(plan, "fast");
        Assert.Contains("fast", error);
        Assert.Null(policy.Rate);
        Assert.NotNull(policy.AntiSpoof);

        (policy, error) = BackendRateNode.PolicyFor(plan with { IpText = null }, null);
        Assert.Null(error);
        Assert.True(policy.IsEmpty);
    }
}
