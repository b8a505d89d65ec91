using System.Diagnostics;

namespace Xeno.Engine.Tests.Network.Scripts;

/// <summary>The host's interfaces as the tests see and change them (through `ip`), with names unique to one test run.</summary>
internal static class HostLinks
{
    public static string Suffix() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();

    public static bool Exists(string name) => Directory.Exists("/sys/class/net/" + name);

    public static string? MasterOf(string name)
    {
        var link = "/sys/class/net/" + name + "/master";
        return File.Exists(link) || Directory.Exists(link) ? Path.GetFileName(new DirectoryInfo(link).ResolveLinkTarget(true)?.FullName) : null;
    }

    public static string Mac(string name) => File.ReadAllText("/sys/class/net/" + name + "/address").Trim();

    public static int Mtu(string name) => int.Parse(File.ReadAllText("/sys/class/net/" + name + "/mtu").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>IFF_UP in the interface's flags.</summary>
    public static bool IsUp(string name) =>
        (Convert.ToInt32(File.ReadAllText("/sys/class/net/" + name + "/flags").Trim(), 16) & 1) != 0;

    public static void Ip(params string[] args)
    {
        var (exit, err) = Run("ip", args);
        Assert.True(exit == 0, $"ip {string.Join(' ', args)}: {err}");
    }

    /// <summary>Deletes an interface if it exists (cleanup: never fails the test's own outcome).</summary>
    public static void Delete(string name)
    {
        if (Exists(name)) Run("ip", "link", "del", name);
    }

    public static (int Exit, string Stderr) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, err.Result);
    }
}
