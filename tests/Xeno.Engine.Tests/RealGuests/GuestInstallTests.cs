using System.Diagnostics;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Consoles;
using Xeno.Engine.Tests.Network;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.RealGuests;

/// <summary>
/// The autoinstaller (`xl guest-install`) end to end. A helper on the kit's plain initramfs (no
/// installer in it) fails, and the half-made disk is gone. Then a pv guest is installed from the
/// cached Debian image with a 3 GiB disk, a host name, an SSH key and a root password, and started
/// on a NAT vif of this test's own: root logs in over SSH from the host with the key (the guest's
/// DHCP lease comes from the vif's dnsmasq), the guest's identity is the one the helper gave it, and
/// root logs in on the console with the password. Three boots: two helpers, one Debian.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestInstallTests
{
    /// <summary>A full systemd boot under TCG on a loaded 2-core machine takes minutes: wait for the real condition.</summary>
    private const int Patience = 900;

    [Fact]
    public async Task APvGuestIsInstalledWithAKeyAndAPasswordAndTakesBothAFailedInstallLeavesNoDisk()
    {
        var cancel = TestContext.Current.CancellationToken;
        var image = DebianImage.Get();
        var kit = GuestKit.Get();
        using var net = new TestNet();
        string tap = net.Name("xgi"), s = net.Subnet;
        var before = net.HostState();
        await using var x = await Xenod.StartAsync(agentTimeout: TimeSpan.FromSeconds(60));
        var key = Path.Combine(x.Root, "id_ed25519");
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "guest-install-test", "-f", key);
        var password = "inst-" + Guid.NewGuid().ToString("N")[..10];
        var passwordFile = x.WriteConfig("root-password", password + "\n");

        // The plain initramfs has no installer: the helper says so, and nothing is left.
        var failDisk = Path.Combine(x.Root, "fail.img");
        var failed = await Task.Run(() => x.Xl("guest-install", "--base", image.Disk, "-k", kit.Vmlinuz, "-r", kit.Initrd,
            "--ssh-key", key + ".pub", "-d", failDisk, "-o", Path.Combine(x.Root, "fail.cfg"), "fail1"), cancel);
        Assert.Equal((1, ""), (failed.Exit, failed.Out));
        Assert.Matches(@"\nguest-install: fail1: install failed: this initramfs has no installer \(boot the kit's rescue-initrd\.img\) " +
                       @"\(the helper's console log: [^)]*xeno-install-fail1\.log\); the new disk was removed\n$", failed.Err);
        Assert.False(File.Exists(failDisk));
        Assert.False(File.Exists(Path.Combine(x.Root, "fail.cfg")));
        Assert.DoesNotContain("xeno-install-fail1", x.ListNames());

        // The real install, started at once on a NAT vif (the host reaches the guest through the vif's route).
        var disk = Path.Combine(x.Root, "instpv.img");
        var cfg = Path.Combine(x.Root, "instpv.cfg");
        var clock = Stopwatch.StartNew();
        var (exit, stdout, stderr) = await Task.Run(() => x.Xl("guest-install", "--base", image.Disk, "-k", kit.Vmlinuz, "-r", kit.RescueInitrd,
            "--size", "3G", "-H", "inst-pv.example", "--ssh-key", key + ".pub", "--root-password-file", passwordFile, "-t", "pv", "-m", "256",
            "-d", disk, "-o", cfg, "--vif", $"script=vif-nat,ip={s}.10,vifname={tap}", "-c", "instpv"), cancel);
        var installed = clock.Elapsed;
        Assert.True(exit == 0, stderr);
        Assert.Matches($@"^guest-install: instpv: Debian installed on {Regex.Escape(disk)} \(3072 MiB, pv, host name inst-pv\.example\) in \d+ s; config {Regex.Escape(cfg)}\n$", stdout);
        Assert.Contains("guest-install: growing partition 1 from 2047 MiB to 3071 MiB\n", stderr);
        Assert.Contains("guest-install: locking the base image's login admin\n", stderr);
        Assert.Contains("guest-install: root password (SHA-512 crypt)\n", stderr);
        Assert.Contains("guest-install: root's authorized SSH keys\n", stderr);
        Assert.DoesNotContain(password, stderr, StringComparison.Ordinal);
        var machineId = Regex.Match(stderr, @"guest-install: hostname inst-pv\.example, machine-id ([0-9a-f]{32})\n").Groups[1].Value;
        Assert.NotEqual("", machineId);
        Assert.Equal(3L << 30, new FileInfo(disk).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(disk));
        Assert.Equal(
            "# Made by xl guest-install: Debian 12 from the base image, adapted in a helper guest.\n" +
            "name = \"instpv\"\ntype = \"pv\"\nmemory = 256\nbootloader = \"pygrub\"\nextra = \"console=hvc0\"\n" +
            $"disk = [ 'format=raw,vdev=xvda,access=rw,target={disk}' ]\nvif = [ 'script=vif-nat,ip={s}.10,vifname={tap}' ]\n",
            File.ReadAllText(cfg));
        Assert.Contains("instpv", x.ListNames());

        // root over SSH with the key: the first answer is the first login.
        string[] ssh = ["ssh", "-i", key, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "ConnectTimeout=15", "-o", "LogLevel=ERROR", $"root@{s}.10"];
        (int Exit, string Out, string Err) answer = (-1, "", "");
        await Xenod.WaitForAsync(() =>
        {
            answer = TestNet.TryRun([.. ssh, "echo ssh-$((6*7)); hostname; cat /etc/machine-id; df -B1M --output=size / | tail -n 1; " +
                                             "passwd -S admin; getent shadow root | cut -c1-8; ls /etc/ssh/ssh_host_ed25519_key.pub"]);
            return answer.Exit == 0;
        }, $"root's SSH login on {s}.10 with the key", Patience);
        var firstLogin = clock.Elapsed;
        var lines = answer.Out.Split('\n');
        Assert.Equal("ssh-42", lines[0]);
        Assert.Equal("inst-pv.example", lines[1]);
        Assert.Equal(machineId, lines[2]);
        Assert.InRange(int.Parse(lines[3].Trim(), System.Globalization.CultureInfo.InvariantCulture), 2900, 3072); // the grown filesystem
        Assert.StartsWith("admin L ", lines[4], StringComparison.Ordinal);    // the base image's login, locked
        Assert.Equal("root:$6$", lines[5]);
        Assert.Equal("/etc/ssh/ssh_host_ed25519_key.pub", lines[6]);      // made on this guest's first boot
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"guest-install: installed in {installed.TotalSeconds:F0} s, first SSH login {firstLogin.TotalSeconds:F0} s after the command started");

        // root on the console with the password (SSH takes keys only for root, Debian's default).
        await Xenod.WaitForAsync(() => x.ConsoleLog("instpv").Contains("login:", StringComparison.Ordinal), "instpv's login prompt", Patience);
        using (var console = await ConsoleReader.AttachAsync(Path.Combine(x.Prefix, $"run/xeno/d{x.Domid("instpv")}/console")))
        {
            await console.TypeAsync("root\r");
            await Xenod.WaitForAsync(() => console.Text.Contains("Password:", StringComparison.Ordinal), "instpv's password prompt", 300);
            await console.TypeAsync(password + "\r");
            await Xenod.WaitForAsync(() => console.Text.Contains("root@inst-pv:~#", StringComparison.Ordinal), "root's shell prompt on instpv", 300);
        }
        var down = await Task.Run(() => x.Xl("shutdown", "-w", "instpv"), cancel).WaitAsync(TimeSpan.FromMinutes(5), cancel);
        Assert.True(down.Exit == 0, down.Err);
        await Xenod.WaitForAsync(() => !x.ListNames().Contains("instpv"), "instpv to power off and go away", 120);
        await x.DisposeAsync();
        Assert.Equal(before, net.HostState());
    }

    private static void Run(string tool, params string[] args)
    {
        var (exit, _, err) = TestNet.TryRun([tool, .. args]);
        Assert.True(exit == 0, $"{tool} {string.Join(' ', args)}: {err}");
    }
}
