using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Xeno.Qemu.Tests.Boots;

/// <summary>
/// The guest kit built by scripts/guest-kit/build (once per test run; cached between runs).
/// A missing tool or a failed download fails the boot tests with the script's own message.
/// </summary>
internal sealed record GuestKit(string Vmlinuz, string Vmlinux, string Initrd, string PvDisk, string HvmDisk, string BootIso)
{
    private static readonly Lazy<Task<GuestKit>> Built = new(BuildAsync);

    public static Task<GuestKit> GetAsync() => Built.Value;

    public static string RepoRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    private static async Task<GuestKit> BuildAsync()
    {
        string script = Path.Combine(RepoRoot(), "scripts", "guest-kit", "build");
        var info = new ProcessStartInfo(script)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot run {script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scripts/guest-kit/build failed ({process.ExitCode}): {await stderr}");
        var outputs = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
        string Get(string key) => outputs.TryGetValue(key, out var path) && File.Exists(path)
            ? path : throw new InvalidOperationException($"guest kit output '{key}' missing: {Describe(outputs)}");
        return new GuestKit(Get("vmlinuz"), Get("vmlinux"), Get("initrd"), Get("pv_disk"), Get("hvm_disk"), Get("boot_iso"));
    }

    private static string Describe(Dictionary<string, string> outputs) => string.Join(", ", outputs.Select(kv => $"{kv.Key}={kv.Value}"));
}
