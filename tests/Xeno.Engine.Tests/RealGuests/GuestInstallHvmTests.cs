using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Network;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.RealGuests;

/// <summary>
/// The autoinstaller for hvm: a guest installed from the cached Debian image at the image's own
/// size (the partition is not touched, the filesystem check and the identity are), with an SSH
/// key only, started on a NAT vif of this test's own; it boots through SeaBIOS and the GRUB in the
/// disk's MBR, and root logs in over SSH from the host with the key. Two boots: the helper, Debian.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestInstallHvmTests
{
    private const int Patience = 900;

    [Fact]
    public async Task AnHvmGuestIsInstalledWithAKeyAndRootLogsInOverSsh()
    {
        var cancel = TestContext.Current.CancellationToken;
        var image = DebianImage.Get();
        var kit = GuestKit.Get();
        using var net = new TestNet();
        string tap = net.Name("xgh"), s = net.Subnet;
        var before = net.HostState();
        await using (var x = await Xenod.StartAsync(agentTimeout: TimeSpan.FromSeconds(60)))
        {
            var key = Path.Combine(x.Root, "id_ed25519");
            Assert.Equal(0, TestNet.TryRun("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key).Exit);
            var disk = Path.Combine(x.Root, "insthvm.img");
            var (exit, stdout, stderr) = await Task.Run(() => x.Xl("guest-install", "--base", image.Disk, "-k", kit.Vmlinuz, "-r", kit.RescueInitrd,
                "-H", "inst-hvm", "--ssh-key", key + ".pub", "-t", "hvm", "-m", "256", "-d", disk, "-o", Path.Combine(x.Root, "insthvm.cfg"),
                "--vif", $"script=vif-nat,ip={s}.10,vifname={tap}", "--start", "insthvm"), cancel);
            Assert.True(exit == 0, stderr);
            Assert.Matches(@"^guest-install: insthvm: Debian installed on .* \(2048 MiB, hvm, host name inst-hvm\) in \d+ s; config .*\n$", stdout);
            Assert.DoesNotContain("growing partition", stderr, StringComparison.Ordinal); // the image's own size: nothing to grow
            Assert.DoesNotContain("root password", stderr, StringComparison.Ordinal);
            var machineId = Regex.Match(stderr, @"machine-id ([0-9a-f]{32})\n").Groups[1].Value;

            (int Exit, string Out, string Err) answer = (-1, "", "");
            await Xenod.WaitForAsync(() =>
            {
                answer = TestNet.TryRun("ssh", "-i", key, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "ConnectTimeout=15", "-o", "LogLevel=ERROR", $"root@{s}.10",
                    "echo ssh-$((6*7)); hostname; cat /etc/machine-id; getent shadow root | cut -d: -f2; cat /proc/cmdline");
                return answer.Exit == 0;
            }, $"root's SSH login on {s}.10 with the key", Patience);
            var lines = answer.Out.Split('\n');
            Assert.Equal(["ssh-42", "inst-hvm", machineId, "*"], lines[..4]); // no password given: root's stays locked
            Assert.Contains("console=ttyS0,115200n8", lines[4], StringComparison.Ordinal); // booted by GRUB from the disk, as hvm
            var down = await Task.Run(() => x.Xl("shutdown", "-w", "insthvm"), cancel).WaitAsync(TimeSpan.FromMinutes(5), cancel);
            Assert.True(down.Exit == 0, down.Err);
        }
        Assert.Equal(before, net.HostState());
    }
}
