using System.Security.Cryptography;

namespace Xeno.Panel.Vms;

/// <summary>
/// The VNC password a panel hvm VM starts with: random for each start and never shown to anyone,
/// so the loopback VNC port QEMU opens is of no use to other local users. VNC's own
/// authentication reads at most 8 characters.
/// </summary>
public static class VncLock
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string NewPassword() => RandomNumberGenerator.GetString(Alphabet, 8);
}
