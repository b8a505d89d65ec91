using Xeno.Network.Filtering;

namespace Xeno.Engine.Network.Filtering;

/// <summary>
/// Carries out a vif's <see cref="VifTransmitPolicy"/> (anti-spoofing and rate) on the host:
/// its netdev table is created, replaced (a rate changed at run time) or removed in one nft
/// transaction each. The vif's host interface must exist: the ingress hook binds to it.
/// </summary>
internal static class VifTransmitFilter
{
    public static Task ApplyAsync(VifTransmitPolicy policy) => Nft.ApplyAsync(VifTransmitScript.Apply(policy));

    public static Task RemoveAsync(string tap) => Nft.ApplyAsync(VifTransmitScript.Remove(tap));

    public static async Task<bool> ExistsAsync(string tap) => (await Nft.TablesAsync().ConfigureAwait(false)).Contains("netdev " + NftNames.VifTable(tap));
}
