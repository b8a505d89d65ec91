using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xeno.Cli;
using Xeno.Engine.Hosting;

namespace Xeno.Engine.Bench;

/// <summary>
/// The autoinstaller (`xl guest-install`, docs/guests.md) to first login: a new pv guest from the
/// cached Debian image with an SSH key, started at once on a NAT vif; timed from the command's
/// start to the end of the install (the helper guest powered off) and to root's first SSH login
/// from the host. XVM's figure was 3 minutes. Writes a markdown section.
/// </summary>
internal static class DebianInstallBench
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(15);

    public static async Task<string> RunAsync(GuestKit kit, int runs)
    {
        var image = DebianBootBench.BuildImage();
        return await ScratchRoot.UseAsync("xedi-", "install", root => MeasureAsync(kit, image, runs, root));
    }

    private static async Task<string> MeasureAsync(GuestKit kit, string image, int runs, string root)
    {
        var prefix = Path.Combine(root, "p");
        await using var host = await EngineHost.StartAsync(prefix);
        var key = Path.Combine(root, "id_ed25519");
        HostProcesses.Check("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key);
        var installs = new List<double>();
        var logins = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            // A subnet of this run's own (10.200-249.x.0/24 is kept for local test networks).
            string guest = $"10.{200 + Random.Shared.Next(50)}.{Random.Shared.Next(256)}.10";
            string name = $"inst{r}", disk = Path.Combine(root, name + ".img");
            var sw = Stopwatch.StartNew();
            var err = new StringWriter();
            int exit = await Task.Run(() => XlMain.Run(["guest-install", "--base", image, "-k", kit.Vmlinuz, "-r", kit.RescueInitrd,
                "--size", "4G", "--ssh-key", key + ".pub", "-m", "256", "-d", disk, "-o", Path.Combine(root, name + ".cfg"),
                "--vif", $"script=vif-nat,ip={guest}", "-c", name], TextWriter.Null, err, prefix));
            if (exit != 0) throw new InvalidOperationException($"xl guest-install failed: {err}");
            installs.Add(sw.Elapsed.TotalSeconds);
            while (HostProcesses.Run("ssh", "-i", key, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                   "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR", $"root@{guest}", "true").Exit != 0)
            {
                if (sw.Elapsed > Limit) throw new TimeoutException($"no SSH login on {guest} after {Limit.TotalMinutes:F0} min");
                await Task.Delay(1000);
            }
            logins.Add(sw.Elapsed.TotalSeconds);
            XlMain.Run(["destroy", name], TextWriter.Null, TextWriter.Null, prefix);
            File.Delete(disk);
            Console.Error.WriteLine(Invariant($"install: run {r + 1}/{runs}: installed {installs[^1]:F1} s, first SSH login {logins[^1]:F1} s"));
        }
        double load = HostMemory.LoadAverage1Min();
        var md = new StringBuilder();
        md.Append("## Autoinstall to first login (xl guest-install)\n\n");
        md.Append("Method: `xl guest-install --size 4G --ssh-key K --vif script=vif-nat,ip=... -c` of a pv guest (256 MiB) from the ");
        md.Append("cached Debian 12 image (docs/guests.md, \"Autoinstaller\"): copy of the base image, a helper guest on the kit's ");
        md.Append("rescue initramfs grows the partition and filesystem and sets host name, machine-id and root's key, then the ");
        md.Append("domain is created; the guest boots through pygrub, gets its address from the vif's dnsmasq, and root's SSH ");
        md.Append(Invariant($"login from the host is retried every second. TCG, one install at a time, {runs} run(s); load average {load:F1} at the end. "));
        md.Append("XVM's goal: under 3 minutes.\n\n");
        md.Append("| Step (from the command's start) | median s | min s | max s |\n|---|---:|---:|---:|\n");
        md.Append(Invariant($"| installed (helper powered off) | {Stats.Median(installs):F1} | {installs.Min():F1} | {installs.Max():F1} |\n"));
        md.Append(Invariant($"| first SSH login as root | {Stats.Median(logins):F1} | {logins.Min():F1} | {logins.Max():F1} |\n"));
        return md.ToString();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
