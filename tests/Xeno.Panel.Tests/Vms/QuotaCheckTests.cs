using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Tests.Vms;

public sealed class QuotaCheckTests
{
    private static readonly Quota Quota = new(MaxVms: 2, MaxMemoryMib: 1024, MaxVcpus: 4, MaxDiskGib: 10);

    [Fact]
    public void AVmThatFitsPasses() =>
        Assert.Empty(QuotaCheck.Refusals(Quota, new Usage(1, 512, 2, 5), 512, 2, 5));

    [Fact]
    public void EachLimitPassedIsNamed()
    {
        var refusals = QuotaCheck.Refusals(Quota, new Usage(2, 1000, 4, 10), 25, 1, 1);
        Assert.Equal(4, refusals.Count);
        Assert.Contains("Quota: you have 2 of 2 VMs.", refusals);
        Assert.Contains("Quota: 25 MiB more memory would make 1025 MiB of 1024 MiB.", refusals);
        Assert.Contains("Quota: 1 more vCPUs would make 5 of 4.", refusals);
        Assert.Contains("Quota: 1 GiB more disk would make 11 GiB of 10 GiB.", refusals);
    }

    [Fact]
    public void HugeFiguresDoNotOverflow() =>
        Assert.Single(QuotaCheck.Refusals(new Quota(10, int.MaxValue, 10, 10), new Usage(0, int.MaxValue, 0, 0), int.MaxValue, 1, 1));
}
