using Xeno.Network.Planning;

namespace Xeno.Network.Tests;

public sealed class VifAddressesTests
{
    [Fact]
    public void AListOfAddressesAndPrefixes() =>
        Assert.Equal(["10.0.0.5/32", "192.168.1.0/24", "2001:db8::5/128"],
            VifAddresses.Parse(" 10.0.0.5  192.168.1.0/24\t2001:db8::5 ").Select(a => a.ToString()));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void NothingGivenIsNoAddress(string? ip) => Assert.Empty(VifAddresses.Parse(ip));

    [Theory]
    [InlineData("10.0.0")]
    [InlineData("1")]
    [InlineData("0x0a000001")]
    [InlineData("10.0.0.256")]
    [InlineData("10.0.0.1/33")]
    [InlineData("10.0.0.1/")]
    [InlineData("10.0.0.1/-1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("host.example")]
    [InlineData("10.0.0.1,10.0.0.2")]
    public void AnythingElseIsRefusedNamingTheEntry(string ip)
    {
        var e = Assert.Throws<VifPlanException>(() => VifAddresses.Parse(ip));
        Assert.StartsWith("ip=: \"", e.Message, StringComparison.Ordinal);
    }

    /// <summary>ip= comes from a config: random text either parses or fails with VifPlanException, never anything else.</summary>
    [Fact]
    public void RandomTextNeverThrowsAnythingButAPlanError()
    {
        var random = new Random(20261206);
        const string alphabet = "0123456789abcdefABCDEF.:/% \t-x\u0000\u00e9";
        for (int i = 0; i < 20000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (int j = 0; j < chars.Length; j++)
                chars[j] = alphabet[random.Next(alphabet.Length)];
            var text = new string(chars);
            try
            {
                foreach (var a in VifAddresses.Parse(text))
                    Assert.InRange(a.PrefixLength, 0, a.IsIPv4 ? 32 : 128);
            }
            catch (VifPlanException e)
            {
                Assert.DoesNotContain('\u0000', e.Message);
            }
        }
    }
}
