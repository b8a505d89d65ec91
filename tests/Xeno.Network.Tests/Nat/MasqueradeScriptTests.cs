using Xeno.Network.Nat;

namespace Xeno.Network.Tests.Nat;

public sealed class MasqueradeScriptTests
{
    [Fact]
    public void MasqueradesOnTheUplinkAndLetsOnlyRepliesBackIn()
    {
        var (plan, _) = NatVifPlan.For(5, 0, "vif5.0", "00:16:3e:38:d4:07", null, "eth0", "/run/xeno/d5");
        Assert.Equal(
            "add table ip xeno_nat_vif5_2e0\ndelete table ip xeno_nat_vif5_2e0\n" +
            "table ip xeno_nat_vif5_2e0 {\n" +
            "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n" +
            "\t\tiifname \"vif5.0\" oifname \"eth0\" masquerade\n\t}\n" +
            "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n" +
            "\t\toifname \"vif5.0\" ct state established,related accept\n" +
            "\t\toifname \"vif5.0\" drop\n\t}\n" +
            "}\n",
            MasqueradeScript.Apply(plan!));
    }

    [Fact]
    public void WithoutAnUplinkEveryOtherInterfaceIsTheWayOut()
    {
        var (plan, _) = NatVifPlan.For(5, 0, "vif5.0", "00:16:3e:38:d4:07", null, null, "/run/xeno/d5");
        Assert.Contains("\t\tiifname \"vif5.0\" oifname != \"vif5.0\" masquerade\n", MasqueradeScript.Apply(plan!));
    }

    [Fact]
    public void RemovalNeverFailsOnAMissingTable() =>
        Assert.Equal("add table ip xeno_nat_web_5f1\ndelete table ip xeno_nat_web_5f1\n", MasqueradeScript.Remove("web_1"));
}
