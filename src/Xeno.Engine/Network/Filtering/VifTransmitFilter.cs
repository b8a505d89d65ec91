using Xeno.Network.Filtering;

namespace Xeno.Engine.Network.Filtering;

/// <summary>
/// Carries out a vif's <see cref="VifTransmitPolicy"/> (anti-spoofing and rate) on the host:
/// its netdev table is created, replaced (a rate changed at run time) or removed in one nft
/// transaction each. The vif's host interface must exist: the ingress hook binds to it.
/// </summary>
public static class VifTransmitFilter
{
    public static void Apply(VifTransmitPolicy policy) => Nft.Apply(VifTransmitScript.Apply(policy));

    public static void Remove(string tap) => Nft.Apply(VifTransmitScript.Remove(tap));

    public static bool Exists(string tap) => Nft.Tables().Contains("netdev " + NftNames.VifTable(tap));
}
