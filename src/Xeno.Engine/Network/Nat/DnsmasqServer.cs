using System.Globalization;
using System.Runtime.InteropServices;
using Xeno.Network.Nat;

namespace Xeno.Engine.Network.Nat;

/// <summary>
/// The dnsmasq that serves one NAT vif's guest. It daemonizes (pid file in the domain's run
/// folder), so it is not a child that dies with xenod: a restarted xenod finds it by that file,
/// checks the pid is still that dnsmasq with that config (pids are reused), and stops it at
/// destroy.
/// </summary>
internal static class DnsmasqServer
{
    public const string Tool = "dnsmasq";

    /// <summary>Writes the config and starts dnsmasq; once this returns, it answers on the vif.</summary>
    public static async Task<int> StartAsync(NatVifPlan plan)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(plan.Dhcp.Config)!);
        await StopAsync(plan.Dhcp).ConfigureAwait(false);
        await File.WriteAllTextAsync(plan.Dhcp.Config, DnsmasqConfig.For(plan)).ConfigureAwait(false);
        File.Delete(plan.Dhcp.PidFile);
        // The parent exits once the daemon is bound and has written its pid file.
        await HostCommandRunner.Instance.CheckAsync([Tool, "--conf-file=" + plan.Dhcp.Config]).ConfigureAwait(false);
        return RunningPid(plan.Dhcp)
            ?? throw new HostCommandException($"dnsmasq for {plan.Tap} exited at once; see {plan.Dhcp.LogFile}");
    }

    /// <summary>The pid of the dnsmasq running with these files, or null.</summary>
    public static int? RunningPid(DhcpServerFiles files)
    {
        if (!File.Exists(files.PidFile)) return null;
        if (!int.TryParse(File.ReadAllText(files.PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 1)
            return null;
        string cmdline;
        try { cmdline = File.ReadAllText($"/proc/{pid}/cmdline"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        var argv = cmdline.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        bool ours = argv.Length > 0 && Path.GetFileName(argv[0]) == Tool && argv.Contains("--conf-file=" + files.Config);
        return ours ? pid : null;
    }

    /// <summary>Stops the dnsmasq of these files if it runs, waits until it is gone, and removes its files.</summary>
    public static async Task StopAsync(DhcpServerFiles files)
    {
        if (RunningPid(files) is int pid)
        {
            if (Kill(pid, Sigterm) != 0 && Marshal.GetLastPInvokeError() != Esrch)
                throw new HostCommandException($"cannot stop dnsmasq {pid}: errno {Marshal.GetLastPInvokeError()}");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (Directory.Exists($"/proc/{pid}") && RunningPid(files) == pid)
            {
                if (DateTime.UtcNow > deadline) { Kill(pid, Sigkill); deadline = DateTime.MaxValue; }
                await Task.Delay(20).ConfigureAwait(false);
            }
        }
        foreach (var f in new[] { files.PidFile, files.Config, files.LeaseFile })
            if (File.Exists(f)) File.Delete(f);
    }

    private const int Sigterm = 15, Sigkill = 9, Esrch = 3;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
