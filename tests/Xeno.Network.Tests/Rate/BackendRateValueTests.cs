using Xeno.Network.Rate;

namespace Xeno.Network.Tests.Rate;

public sealed class BackendRateValueTests
{
    [Theory]
    [InlineData("62500,50000", 1250000, 131072)]      // 10Mb/s
    [InlineData("20000,20000", 1000000, 131072)]      // 1MB/s@20ms
    [InlineData("5000000,50000", 100000000, 5000000)] // 100MB/s: the bucket holds one interval
    [InlineData("1,1000000", 1, 131072)]
    public void XensCreditBecomesATokenBucketAsNetbackRunsIt(string value, long bytesPerSecond, long burst)
    {
        var (rate, error) = BackendRateValue.Parse(value);
        Assert.Null(error);
        Assert.Equal(new TransmitRate(bytesPerSecond, burst), rate);
    }

    [Theory]
    [InlineData("")]
    [InlineData("62500")]
    [InlineData("62500,")]
    [InlineData(",50000")]
    [InlineData("0,50000")]
    [InlineData("62500,0")]
    [InlineData(" 62500,50000")]
    [InlineData("+62500,50000")]
    [InlineData("62500,50000,1")]
    [InlineData("0x10,50000")]
    [InlineData("99999999999999999999999,1")]
    public void AnythingElseIsAnError(string value)
    {
        var (rate, error) = BackendRateValue.Parse(value);
        Assert.Null(rate);
        Assert.Contains(value, error);
    }

    [Fact]
    public void NoNodeIsAnError() => Assert.NotNull(BackendRateValue.Parse(null).Error);

    [Fact]
    public void ConfigRatesGiveTheSameBucketAsTheirBackendValue()
    {
        var vifRate = new Xeno.Config.Specs.VifRate(62500, 50000);
        Assert.Equal(BackendRateValue.Parse(vifRate.ToBackendValue()).Rate, TransmitRate.FromVifRate(vifRate));
    }

    [Fact]
    public void RandomNodeValuesParseOrFailCleanly()
    {
        var rng = new Random(3_2026);
        const string alphabet = "0123456789,, -+x\0é9";
        for (int i = 0; i < 50000; i++)
        {
            var chars = new char[rng.Next(0, 30)];
            for (int j = 0; j < chars.Length; j++) chars[j] = alphabet[rng.Next(alphabet.Length)];
            var (rate, error) = BackendRateValue.Parse(new string(chars));
            Assert.True((rate == null) != (error == null));
            if (rate != null) Assert.True(rate.BytesPerSecond > 0 && rate.BurstBytes >= TransmitRate.MinimumBurstBytes);
        }
        for (int i = 0; i < 20000; i++)
        {
            ulong b = Math.Max(1UL, (ulong)rng.NextInt64(1, long.MaxValue) >> rng.Next(0, 62));
            ulong u = Math.Max(1UL, (ulong)rng.NextInt64(1, long.MaxValue) >> rng.Next(0, 62));
            var (rate, error) = BackendRateValue.Parse($"{b},{u}");
            Assert.Null(error);
            Assert.True(rate!.BytesPerSecond > 0);
        }
    }
}
