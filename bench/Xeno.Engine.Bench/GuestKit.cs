using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Xeno.Engine.Bench;

/// <summary>The test guests of scripts/guest-kit/build (cached by content hash under .cache/).</summary>
internal sealed record GuestKit(string Vmlinuz, string Vmlinux, string Initrd, string HvmDisk, string RescueInitrd)
{
    public static string RepoRoot([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "../.."));

    public static GuestKit Build()
    {
        var script = Path.Combine(RepoRoot(), "scripts/guest-kit/build");
        var p = Process.Start(new ProcessStartInfo(script) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed");
        var kit = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2))
            .Where(a => a.Length == 2).ToDictionary(a => a[0], a => a[1]);
        return new GuestKit(kit["vmlinuz"], kit["vmlinux"], kit["initrd"], kit["hvm_disk"], kit["rescue_initrd"]);
    }
}
