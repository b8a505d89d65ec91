using Xeno.Network.Filtering;
using Xeno.Network.Rate;

namespace Xeno.Network.Tests.Filtering;

public sealed class VifTransmitScriptTests
{
    private const string Header =
        "add table netdev xeno_vif_vif5_2e0\ndelete table netdev xeno_vif_vif5_2e0\n" +
        "table netdev xeno_vif_vif5_2e0 {\n\tchain guest_tx {\n";

    [Fact]
    public void IpGivesAnAllowListOfTheGuestsMacAndAddressesUnderADropPolicy()
    {
        var (spoof, error) = AntiSpoof.For("00:16:3E:38:D4:07", "10.0.5.1 10.0.5.9");
        Assert.Null(error);
        Assert.Equal(Header +
            "\t\ttype filter hook ingress device \"vif5.0\" priority -300; policy drop;\n" +
            "\t\tether saddr 00:16:3e:38:d4:07 arp htype 1 arp ptype ip arp hlen 6 arp plen 4 arp saddr ether 00:16:3e:38:d4:07 arp saddr ip { 10.0.5.1, 10.0.5.9, 0.0.0.0 } accept\n" +
            "\t\tether saddr 00:16:3e:38:d4:07 ip saddr { 10.0.5.1, 10.0.5.9 } accept\n" +
            "\t\tether saddr 00:16:3e:38:d4:07 ip saddr 0.0.0.0 ip daddr 255.255.255.255 udp sport 68 udp dport 67 accept\n" +
            "\t}\n}\n",
            VifTransmitScript.Apply(new VifTransmitPolicy("vif5.0", spoof, null)));
    }

    [Fact]
    public void IPv6AddressesAdmitTheGuestsLinkLocalAndDuplicateAddressDetection()
    {
        var (spoof, _) = AntiSpoof.For("00:16:3e:38:d4:07", "fd00::5");
        string script = VifTransmitScript.Apply(new VifTransmitPolicy("vif5.0", spoof, null));
        Assert.Contains("\t\tether saddr 00:16:3e:38:d4:07 ip6 saddr { fd00::5, fe80::216:3eff:fe38:d407 } accept\n", script);
        Assert.Contains("\t\tether saddr 00:16:3e:38:d4:07 ip6 saddr :: icmpv6 type { nd-neighbor-solicit, mld2-listener-report } accept\n", script);
        Assert.Contains("arp saddr ip { 0.0.0.0 } accept\n", script);
        Assert.DoesNotContain(" ip saddr {", script);
    }

    [Fact]
    public void RateAloneLimitsEverythingAndAcceptsTheRest() =>
        Assert.Equal(Header +
            "\t\ttype filter hook ingress device \"vif5.0\" priority -300; policy accept;\n" +
            "\t\tlimit rate over 1250000 bytes/second burst 131072 bytes drop\n" +
            "\t}\n}\n",
            VifTransmitScript.Apply(new VifTransmitPolicy("vif5.0", null, TransmitRate.FromCredit(62500, 50000))));

    [Fact]
    public void TheRateComesBeforeTheAllowList()
    {
        var (spoof, _) = AntiSpoof.For("00:16:3e:38:d4:07", "10.0.5.1");
        string script = VifTransmitScript.Apply(new VifTransmitPolicy("vif5.0", spoof, TransmitRate.FromCredit(20000, 20000)));
        Assert.True(script.IndexOf("limit rate over 1000000 bytes/second", StringComparison.Ordinal) <
                    script.IndexOf("arp htype", StringComparison.Ordinal));
    }

    [Fact]
    public void AnEmptyPolicyOnlyRemovesTheTable() =>
        Assert.Equal("add table netdev xeno_vif_vif5_2e0\ndelete table netdev xeno_vif_vif5_2e0\n",
            VifTransmitScript.Apply(new VifTransmitPolicy("vif5.0", null, null)));

    [Theory]
    [InlineData("00:16:3e:38:d4", "10.0.0.1", "invalid MAC")]
    [InlineData("00:16:3e:38:d4:07", "", "no address")]
    [InlineData("00:16:3e:38:d4:07", "10.0.0.1 bad", "invalid address `bad'")]
    [InlineData("00:16:3e:38:d4:07", "10.0.0.01", "invalid address")]
    [InlineData("00:16:3e:38:d4:07", "10.1", "invalid address")]
    [InlineData("00:16:3e:38:d4:07", "fe80::1%eth0", "invalid address")]
    [InlineData("00:16:3e:38:d4:07", "10.0.0.1/33", "invalid prefix length")]
    public void BadMacsAndAddressesAreRefusedWithTheirText(string mac, string ip, string message)
    {
        var (spoof, error) = AntiSpoof.For(mac, ip);
        Assert.Null(spoof);
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("vif5.0", "xeno_vif_vif5_2e0")]
    [InlineData("vif5_0", "xeno_vif_vif5_5f0")]
    [InlineData("web-eth0-emu", "xeno_vif_web_2deth0_2demu")]
    public void TableNamesAreDistinctIdentifiersPerInterface(string tap, string table) =>
        Assert.Equal(table, NftNames.VifTable(tap));

    /// <summary>ip= reaches nft scripts: whatever bytes it holds, it either parses into plain
    /// addresses or is refused; no text from it other than an address gets into a rule.</summary>
    [Fact]
    public void RandomIpValuesNeverPutAnythingButAddressesIntoTheRules()
    {
        var rng = new Random(10_2026);
        const string alphabet = "0123456789abcdefABCDEF.:/ %\"{};\n\\x-";
        for (int i = 0; i < 20000; i++)
        {
            int len = rng.Next(0, 40);
            var chars = new char[len];
            for (int j = 0; j < len; j++) chars[j] = alphabet[rng.Next(alphabet.Length)];
            string ip = new(chars);
            var (spoof, error) = AntiSpoof.For("00:16:3e:00:00:01", ip);
            Assert.True((spoof == null) != (error == null), ip);
            if (spoof == null) continue;
            string script = VifTransmitScript.Apply(new VifTransmitPolicy("vif1.0", spoof, null));
            foreach (var line in script.Split('\n'))
                Assert.DoesNotMatch("[\"%;\\\\]|[{}].*[{}].*[{}]", line.Replace("device \"vif1.0\"", "", StringComparison.Ordinal).Replace("policy drop;", "", StringComparison.Ordinal).Replace("priority -300;", "", StringComparison.Ordinal));
            Assert.All(spoof.IPv4.Concat(spoof.IPv6), a => Assert.Contains(a.ToString(), script, StringComparison.Ordinal));
        }
    }
}

public sealed class VifTransmitActionsTests
{
    [Fact]
    public void NetworksInIpAllowTheirWholeRangeAsXensIptablesSourceDoes()
    {
        var (spoof, _) = AntiSpoof.For("00:16:3e:00:00:01", "198.51.100.7/28 198.51.100.3 10.0.0.5 fd00::1/64 fd00::9");
        Assert.Equal(["198.51.100.0/28", "10.0.0.5"], spoof!.IPv4);
        Assert.Equal(["fd00::/64"], spoof.IPv6);
    }

    [Fact]
    public void AVifWithIpOrRateGetsItsTableAndItsUndo()
    {
        var plan = Xeno.Network.Planning.VifPlanner.Plan(
            Xeno.Network.Tests.VifPlannerTests.Vif(script: "vif-route", ip: "192.0.2.50"), 3, Xeno.Config.Domain.DomainKind.Pv)
            with { Rate = new Xeno.Network.Planning.VifRateLimit(62500, 50000) };
        var action = Assert.IsType<ApplyNftScript>(Assert.Single(VifTransmitActions.For(plan)));
        Assert.Equal("nft", action.Command[0]);
        Assert.Contains("limit rate over 1250000 bytes/second burst 131072 bytes drop", action.Command[1]);
        Assert.Contains("ip saddr { 192.0.2.50 } accept", action.Command[1]);
        Assert.Equal(["nft", VifTransmitScript.Remove("vif3.0")], action.Undo);
        Assert.Empty(VifTransmitActions.For(plan with { Rate = null, IpText = null }));
    }
}
