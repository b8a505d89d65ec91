using Xeno.Network.Rate;

namespace Xeno.Network.Filtering;

/// <summary>
/// Everything Xeno enforces on what a guest transmits through one vif, at the host end's
/// ingress (before bridging or routing, so it holds in every mode and whatever the FORWARD
/// policy): the anti-spoofing allow-list (null = off) and the rate limit (null = unlimited).
/// </summary>
public sealed record VifTransmitPolicy(string Tap, AntiSpoof? AntiSpoof, TransmitRate? Rate)
{
    public bool IsEmpty => AntiSpoof == null && Rate == null;
}
