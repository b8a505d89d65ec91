using Xeno.Engine.Tests.Consoles;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.RealGuests;

/// <summary>
/// Logging into a booted copy of the real Debian image (scripts/debian-image/build) as its admin, over
/// xenod's console hub, as a person at the console would: shared by the tests that boot the image.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class DebianConsoleLogin
{
    /// <summary>
    /// A full systemd boot under TCG on a loaded 2-core machine takes minutes: wait for the real
    /// prompt, long, never for a fixed time.
    /// </summary>
    public const int BootPatience = 900;

    /// <summary>Waits for getty's prompt on <paramref name="tty"/> and logs in; the caller disposes the console.</summary>
    public static async Task<ConsoleReader> LogInAsync(Xenod x, string name, string tty, DebianImage image)
    {
        // agetty's /etc/issue banner names the line it serves, then the prompt.
        await Xenod.WaitForAsync(() => x.ConsoleLog(name).Contains($"debian {tty}", StringComparison.Ordinal)
                                       && x.ConsoleLog(name).Contains("debian login:", StringComparison.Ordinal),
            $"{name}'s login prompt on {tty}", BootPatience);
        var console = await ConsoleReader.AttachAsync(Path.Combine(x.Prefix, $"run/xeno/d{x.Domid(name)}/console"));
        try
        {
            await console.TypeAsync(image.AdminUser + "\r");
            await Xenod.WaitForAsync(() => console.Text.Contains("Password:", StringComparison.Ordinal), $"{name}'s password prompt", 300);
            await console.TypeAsync(DebianImage.Password + "\r");
            await Xenod.WaitForAsync(() => console.Text.Contains($"{image.AdminUser}@debian:~$", StringComparison.Ordinal), $"{name}'s shell prompt", 300);
            return console;
        }
        catch
        {
            console.Dispose();
            throw;
        }
    }
}
