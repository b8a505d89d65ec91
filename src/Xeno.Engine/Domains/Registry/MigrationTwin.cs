namespace Xeno.Engine.Domains.Registry;

/// <summary>
/// The one case where two domains of one host may write the same disk image: the receiving copy
/// of a live migration ("&lt;name&gt;--incoming", the same UUID; another name with xl migrate -C)
/// while the sending copy still runs, as in a localhost migration or with storage both hosts share. QEMU
/// keeps them apart itself: the incoming QEMU opens its images inactive (no writes, no lock) until
/// the sender's QEMU has flushed and released them at the end of the stream. Xen's block hotplug
/// script allows the same ("same_vm": the user of the device has this domain's VM UUID).
/// </summary>
internal static class MigrationTwin
{
    /// <summary>The name Xen's xl gives the receiving copy until the sender hands over.</summary>
    public const string IncomingSuffix = "--incoming";

    /// <summary>
    /// True when the new domain is the incoming twin of <paramref name="otherName"/>: the same guest
    /// (UUID) arriving under the incoming name, its own or the one -C's config gives it.
    /// </summary>
    public static bool IsIncomingTwinOf(string newName, Guid newUuid, string otherName, Guid otherUuid) =>
        newUuid == otherUuid && newName.EndsWith(IncomingSuffix, StringComparison.Ordinal) && !otherName.EndsWith(IncomingSuffix, StringComparison.Ordinal);
}
