using System.Diagnostics;

namespace Xeno.Engine.Tests.Support;

/// <summary>
/// The real Debian 12 guest disk built by scripts/debian-image/build (cached in
/// &lt;repo&gt;/.cache/debian-image by package versions), with the test admin login:
/// user "admin", the password in RealGuests/admin-password. scripts/test builds it ahead of the
/// tests with the same arguments, so here it is normally only looked up; a failing build fails
/// the tests with the script's own message. Boot it through a qcow2 overlay: the cached file is shared.
/// </summary>
internal sealed class DebianImage
{
    private static readonly Lazy<DebianImage> Shared = new(Build);

    private DebianImage(Dictionary<string, string> outputs)
    {
        Disk = outputs["image"];
        KernelVersion = outputs["kernel_version"];
        AdminUser = outputs["admin_user"];
    }

    /// <summary>The raw MBR disk (read-only in the cache).</summary>
    public string Disk { get; }

    public string KernelVersion { get; }

    public string AdminUser { get; }

    public static string PasswordFile => Path.Combine(GuestKit.RepoRoot(), "tests", "Xeno.Engine.Tests", "RealGuests", "admin-password");

    public static string Password => File.ReadAllText(PasswordFile).TrimEnd('\n');

    public static DebianImage Get() => Shared.Value;

    private static DebianImage Build()
    {
        var script = Path.Combine(GuestKit.RepoRoot(), "scripts", "debian-image", "build");
        var info = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--admin-password-file");
        info.ArgumentList.Add(PasswordFile);
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"cannot run {script}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{script} failed ({p.ExitCode}): {stderr.Result}");
        var outputs = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
        return new DebianImage(outputs);
    }
}
