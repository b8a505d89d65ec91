using Xeno.Engine.Tests.Support;

namespace Xeno.Cli.Tests.Guests;

/// <summary>
/// xl guest-install's option parsing and refusals, which come before anything is made: the
/// folder the install would write to is the same after each. The install itself (a helper guest
/// boot) is in Xeno.Engine.Tests (RealGuests/GuestInstallTests).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestInstallCommandTests
{
    private sealed record Setup(XlRunner Xl, string Base, string Key, string Password, string Out)
    {
        /// <summary>The arguments of a good request; <paramref name="extra"/> come before the name.</summary>
        public string[] Args(params string[] extra) =>
        [
            "guest-install", "--base", Base, "-k", Path.Combine(Xl.Root, "vmlinuz"), "-r", Path.Combine(Xl.Root, "initrd.img"),
            "-d", Path.Combine(Out, "web1.img"), "-o", Path.Combine(Out, "web1.cfg"), "--ssh-key", Key, .. extra, "web1",
        ];

        /// <summary>Every file under the root, with its size: an install refused changed none.</summary>
        public string[] Files() =>
            Directory.GetFiles(Xl.Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => $"{f} {new FileInfo(f).Length}").ToArray();
    }

    private static Setup Make(XlRunner xl)
    {
        xl.WriteFile("vmlinuz", "kernel");
        xl.WriteFile("initrd.img", "initrd");
        var key = xl.WriteFile("id.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBase64Key= me@host\n");
        var password = xl.WriteFile("pw", "s3cret\n");
        var output = Path.Combine(xl.Root, "out");
        Directory.CreateDirectory(output);
        return new Setup(xl, PartitionedBaseImage.Create(Path.Combine(xl.Root, "base.img")), key, password, output);
    }

    [Fact]
    public void ADryRunPrintsTheHelpersAndTheGuestsConfigsAndMakesNothing()
    {
        using var xl = new XlRunner();
        var s = Make(xl);
        var before = s.Files();
        var (exit, stdout, stderr) = xl.Run(["-N", .. s.Args("--size", "1G", "-t", "hvm", "--vif", "script=vif-nat", "-m", "256", "--root-password-file", s.Password)]);
        Assert.Equal((0, ""), (exit, stderr));
        var disk = Path.Combine(s.Out, "web1.img");
        Assert.Equal(
            "name = \"xeno-install-web1\"\ntype = \"pv\"\nmemory = 192\n" +
            $"kernel = \"{Path.Combine(xl.Root, "vmlinuz")}\"\nramdisk = \"{Path.Combine(xl.Root, "initrd.img")}\"\n" +
            "cmdline = \"console=hvc0 xeno.action=install\"\non_poweroff = \"destroy\"\non_reboot = \"destroy\"\non_crash = \"destroy\"\n" +
            $"disk = [ 'format=raw,vdev=xvda,access=rw,target={disk}',\n         'format=raw,vdev=xvdb,access=ro,target=<parameter disk>' ]\n" +
            "# Made by xl guest-install: Debian 12 from the base image, adapted in a helper guest.\n" +
            "name = \"web1\"\ntype = \"hvm\"\nmemory = 256\nboot = \"c\"\nvnc = 0\n" +
            $"disk = [ 'format=raw,vdev=hda,access=rw,target={disk}' ]\nvif = [ 'script=vif-nat' ]\n",
            stdout);
        // No secret is in what it prints, nor on the helper's command line.
        Assert.DoesNotContain("s3cret", stdout, StringComparison.Ordinal);
        Assert.Equal(before, s.Files());
    }

    [Fact]
    public void BadRequestsAreRefusedWithTheReasonAndChangeNothing()
    {
        using var xl = new XlRunner();
        var s = Make(xl);
        File.WriteAllText(Path.Combine(s.Out, "taken.img"), "someone's disk");
        var before = s.Files();
        var missing = Path.Combine(xl.Root, "nokey.pub");
        var cases = new (string[] Args, int Exit, string Err)[]
        {
            (s.Args("-H", "web_1"), 1, "guest-install: host name 'web_1' may hold only a-z, 0-9, '-' and '.', and no label may start or end with '-'\n"),
            (s.Args("--size", "32M"), 1, "guest-install: --size 32M is smaller than the base image (64 MiB): a disk can only grow\n"),
            (s.Args("--size", "10"), 1, "guest-install: --size: size '10' is not a whole number with a unit (K, M, G or T, e.g. 8G or 4096M)\n"),
            (s.Args("-d", Path.Combine(s.Out, "taken.img")), 1,
                $"guest-install: --disk {Path.Combine(s.Out, "taken.img")} exists already: the new guest gets a disk of its own (remove it or name another)\n"),
            (s.Args("--ssh-key", missing), 1, $"guest-install: --ssh-key {missing}: No such file or directory\n"),
            (s.Args("--ssh-key", s.Password), 1, $"guest-install: --ssh-key {s.Password}: line 1 is not an OpenSSH public key (ssh-ed25519 AAAA... comment)\n"),
            // A folder is unreadable as a file, for root too.
            (s.Args("--root-password-file", s.Out), 1, $"guest-install: --root-password-file {s.Out}: Is a directory\n"),
            (s.Args("-t", "pvh"), 2, "guest-install: unknown guest type 'pvh' (pv or hvm)\n"),
            (s.Args("-m", "64"), 1, "guest-install: --memory '64' is not a whole number of MiB from 128 up (Debian needs about 128)\n"),
            (s.Args("--vif", "bridge='br0'"), 1, "guest-install: --vif 'bridge='br0'' cannot be written in an xl.cfg string (it holds a quote, backslash, newline or NUL)\n"),
            (s.Args("--base", s.Key), 1, $"guest-install: --base {s.Key}: too small to be a disk image\n"),
            (s.Args("-k", missing), 1, $"guest-install: no helper kernel at {missing}: pass --kernel FILE, or install the guest kit's (scripts/guest-kit/build) vmlinuz " +
                                      $"and rescue-initrd.img as vmlinuz and initrd.img in {Path.Combine(xl.Prefix, "usr/lib/xeno/rescue")}\n"),
        };
        foreach (var (args, exit, err) in cases)
        {
            var result = xl.Run(args);
            Assert.Equal((exit, "", err), result);
            Assert.Equal(before, s.Files());
        }
        // No login at all, and a name that cannot name files.
        Assert.Equal((1, "", "guest-install: no login for the new guest: give --ssh-key FILE and/or --root-password-file FILE\n"),
            xl.Run("guest-install", "--base", s.Base, "web1"));
        Assert.Equal((1, "", "guest-install: guest name 'web 1' may hold only letters, digits, '_', '.' and '-' (at most 64, starting with a letter or digit): it names files\n"),
            xl.Run("guest-install", "--ssh-key", s.Key, "web 1"));
        Assert.Equal((1, "", "guest-install: host name 'Web1' has upper-case letters: write it in lower case (the guest's name is the default host name: give --hostname)\n"),
            xl.Run("guest-install", "--ssh-key", s.Key, "Web1"));
        Assert.Equal(before, s.Files());
    }

    [Fact]
    public void AGoodRequestGoesToXenodAndWithoutOneNothingIsMade()
    {
        // Everything checks out, so xl asks xenod (which installs); none runs for this prefix.
        using var xl = new XlRunner();
        var s = Make(xl);
        var before = s.Files();
        var unreachable = $"no xenod is running for prefix {xl.Prefix} (nothing answers at {Path.Combine(xl.Prefix, "run/xeno/xenod.sock")}: no such socket); " +
                          $"start one with `xenod run --prefix {xl.Prefix}`\n";
        Assert.Equal((1, "", unreachable), xl.Run(s.Args("--root-password-file", s.Password)));
        Assert.Equal(before, s.Files());
        // The chain-load CD is xenod's too (it owns the cache).
        Assert.Equal((1, "", unreachable), xl.Run("guest-chainload-cd"));
        Assert.False(Directory.Exists(Path.Combine(xl.Prefix, "var/lib/xeno/chainload-cd")));
    }

    [Fact]
    public void UsageErrorsExitTwo()
    {
        using var xl = new XlRunner();
        var (exit, stdout, _) = xl.Run("guest-install");
        Assert.Equal(2, exit);
        Assert.StartsWith("Usage: xl [-vtTfN] guest-install [options] <Name>\n", stdout);
        Assert.Equal((2, "", "option `x' not supported.\n"), xl.Run("guest-install", "-x", "web1"));
        Assert.Equal(0, xl.Run("guest-install", "-h").Exit);
    }
}
