using System.Diagnostics;

namespace Xeno.Panel.Tests.Ssh;

/// <summary>Real keys from ssh-keygen in a temporary folder (the public line and ssh-keygen's own fingerprint).</summary>
internal static class TestKeys
{
    public static (string PublicLine, string Fingerprint, string PrivatePath) Make(string dir, string type = "ed25519", int bits = 0, string comment = "test@xeno")
    {
        var path = Path.Combine(dir, $"key-{Guid.NewGuid():N}");
        var args = new List<string> { "-q", "-t", type, "-N", "", "-C", comment, "-f", path };
        if (bits > 0)
            args.AddRange(["-b", bits.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Run("ssh-keygen", args);
        var fingerprint = Run("ssh-keygen", ["-l", "-E", "sha256", "-f", path + ".pub"]).Split(' ')[1];
        return (File.ReadAllText(path + ".pub").Trim(), fingerprint, path);
    }

    private static string Run(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} failed: {err}");
        return output;
    }
}
