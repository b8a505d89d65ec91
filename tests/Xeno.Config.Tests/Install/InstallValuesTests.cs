using System.Text;
using Xeno.Config.Install;

namespace Xeno.Config.Tests.Install;

/// <summary>The autoinstaller's pure parts: input checks, the parameter disk's bytes, the helper's report, the two configs.</summary>
public sealed class InstallValuesTests
{
    [Theory]
    [InlineData("web1")]
    [InlineData("web-1.example.org")]
    [InlineData("a")]
    [InlineData("0day")]
    public void GoodHostNamesPass(string name) => Assert.Null(InstallValues.HostnameProblem(name));

    [Theory]
    [InlineData("", "the host name is empty")]
    [InlineData("Web1", "host name 'Web1' has upper-case letters: write it in lower case")]
    [InlineData("web_1", "host name 'web_1' may hold only a-z, 0-9, '-' and '.', and no label may start or end with '-'")]
    [InlineData("-web", "host name '-web' may hold only a-z, 0-9, '-' and '.', and no label may start or end with '-'")]
    [InlineData("web.", "host name 'web.' has an empty label (a leading, trailing or doubled '.')")]
    [InlineData("a..b", "host name 'a..b' has an empty label (a leading, trailing or doubled '.')")]
    [InlineData("web 1", "host name 'web 1' may hold only a-z, 0-9, '-' and '.', and no label may start or end with '-'")]
    [InlineData("we'b", "host name 'we'b' may hold only a-z, 0-9, '-' and '.', and no label may start or end with '-'")]
    public void BadHostNamesAreRefusedWithTheReason(string name, string problem) =>
        Assert.Equal(problem, InstallValues.HostnameProblem(name));

    [Fact]
    public void HostNameLengthsFollowRfc1123()
    {
        Assert.Null(InstallValues.HostnameProblem(new string('a', 63)));
        Assert.Equal($"host name '{new string('a', 64)}' has a label of 64 characters; at most 63", InstallValues.HostnameProblem(new string('a', 64)));
        var tooLong = string.Join('.', Enumerable.Repeat(new string('b', 50), 5)) + ".ccc";
        Assert.Equal("the host name is 258 characters long; at most 253", InstallValues.HostnameProblem(tooLong));
    }

    [Theory]
    [InlineData("8G", 8L << 30)]
    [InlineData("8GiB", 8L << 30)]
    [InlineData("4096M", 4096L << 20)]
    [InlineData("2t", 2L << 40)]
    [InlineData("3145728K", 3L << 30)]
    public void SizesHaveAUnit(string text, long bytes)
    {
        Assert.Null(InstallValues.ParseSize(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("8", "size '8' is not a whole number with a unit (K, M, G or T, e.g. 8G or 4096M)")]
    [InlineData("8GB", "size '8GB' is not a whole number with a unit (K, M, G or T, e.g. 8G or 4096M)")]
    [InlineData("-1G", "size '-1G' is not a whole number with a unit (K, M, G or T, e.g. 8G or 4096M)")]
    [InlineData("1.5G", "size '1.5G' is not a whole number with a unit (K, M, G or T, e.g. 8G or 4096M)")]
    [InlineData("0G", "size 0 is no disk")]
    [InlineData("1000K", "size '1000K' is not a whole number of MiB")]
    [InlineData("3T", "size '3T' is larger than 2 TiB, the most an MBR partition can hold")]
    [InlineData("99999999999999999999G", "size '99999999999999999999G' is not a whole number with a unit (K, M, G or T, e.g. 8G or 4096M)")]
    [InlineData("9999999999999999999G", "size '9999999999999999999G' is larger than 2 TiB, the most an MBR partition can hold")]
    public void BadSizesAreRefused(string text, string problem) =>
        Assert.Equal(problem, InstallValues.ParseSize(text, out _));

    [Fact]
    public void KeyFilesGivePublicKeyLinesOnly()
    {
        Assert.Null(InstallValues.AuthorizedKeys("# mine\n\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== me@host\r\nssh-rsa AAAAB3Nz+/=\n", out var keys));
        Assert.Equal("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== me@host\nssh-rsa AAAAB3Nz+/=\n", keys);
        Assert.Equal("it holds no public key line", InstallValues.AuthorizedKeys("# nothing\n\n", out _));
        Assert.Equal("it holds a private key: give the public key (the .pub file)",
            InstallValues.AuthorizedKeys("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n", out _));
        Assert.Equal("line 2 is not an OpenSSH public key (ssh-ed25519 AAAA... comment)",
            InstallValues.AuthorizedKeys("ssh-ed25519 AAAA\nfrom=\"10.0.0.1\" ssh-ed25519 AAAA\n", out _));
    }

    [Fact]
    public void ThePasswordIsTheFirstLine()
    {
        Assert.Null(InstallValues.RootPassword(Encoding.UTF8.GetBytes("s3cret pässword\r\nsecond line\n"), out var password));
        Assert.Equal("s3cret pässword", password);
        Assert.Null(InstallValues.RootPassword(Encoding.UTF8.GetBytes("no newline"), out password));
        Assert.Equal("no newline", password);
        Assert.Equal("its first line (the password) is empty", InstallValues.RootPassword("\nsecond\n"u8.ToArray(), out _));
        Assert.Equal("its first line (the password) is empty", InstallValues.RootPassword([], out _));
        Assert.Equal("the password holds a NUL byte", InstallValues.RootPassword([(byte)'a', 0, (byte)'b'], out _));
        Assert.Equal("the password is not valid UTF-8", InstallValues.RootPassword([0xff, 0xfe], out _));
    }

    [Theory]
    [InlineData("web1", null)]
    [InlineData("Web_1.test", null)]
    [InlineData("a b", "guest name 'a b' may hold only letters, digits, '_', '.' and '-' (at most 64, starting with a letter or digit): it names files")]
    [InlineData(".hidden", "guest name '.hidden' may hold only letters, digits, '_', '.' and '-' (at most 64, starting with a letter or digit): it names files")]
    [InlineData("12", "Invalid domain name \"12\": a name of digits only would be read as a domain id.")]
    public void GuestNames(string name, string? problem) => Assert.Equal(problem, InstallValues.GuestNameProblem(name));

    [Fact]
    public void TheParameterDiskHoldsBase64LinesThenEndThenNulPadding()
    {
        var disk = InstallParameterDisk.Encode("web1", "pw", "ssh-ed25519 AAAA k\n");
        Assert.Equal(4096, disk.Length);
        var text = Encoding.UTF8.GetString(disk).TrimEnd('\0');
        Assert.Equal("xeno-install-parameters 1\nhostname=d2ViMQ==\nroot-password=cHc=\nauthorized-keys=c3NoLWVkMjU1MTkgQUFBQSBrCg==\nend\n", text);
        Assert.Equal("xeno-install-parameters 1\nhostname=d2ViMQ==\nauthorized-keys=aw==\nend\n",
            Encoding.UTF8.GetString(InstallParameterDisk.Encode("web1", null, "k")).TrimEnd('\0'));
        Assert.Throws<ArgumentException>(() => InstallParameterDisk.Encode("web1", null, null));
        Assert.Throws<ArgumentException>(() => InstallParameterDisk.Encode("web1", "", null));
        Assert.Throws<ArgumentException>(() => InstallParameterDisk.Encode("web1", null, new string('k', 60000)));
    }

    [Fact]
    public void TheConfigsNameTheDisksAndTheBoot()
    {
        Assert.Equal(
            "name = \"xeno-install-web1\"\ntype = \"pv\"\nmemory = 192\nkernel = \"/k/vmlinuz\"\nramdisk = \"/k/initrd.img\"\n" +
            "cmdline = \"console=hvc0 xeno.action=install\"\non_poweroff = \"destroy\"\non_reboot = \"destroy\"\non_crash = \"destroy\"\n" +
            "disk = [ 'format=raw,vdev=xvda,access=rw,target=/d/web1.img',\n         'format=raw,vdev=xvdb,access=ro,target=/t/p.img' ]\n",
            InstallConfigs.Helper("web1", "/k/vmlinuz", "/k/initrd.img", "/d/web1.img", "/t/p.img"));
        Assert.Equal(
            "# Made by xl guest-install: Debian 12 from the base image, adapted in a helper guest.\n" +
            "name = \"web1\"\ntype = \"pv\"\nmemory = 512\nbootloader = \"pygrub\"\nextra = \"console=hvc0\"\n" +
            "disk = [ 'format=raw,vdev=xvda,access=rw,target=/d/web1.img' ]\nvif = [ 'script=vif-nat', 'bridge=br0' ]\n",
            InstallConfigs.Guest("web1", InstallGuestType.Pv, 512, "/d/web1.img", ["script=vif-nat", "bridge=br0"]));
        Assert.Equal(
            "# Made by xl guest-install: Debian 12 from the base image, adapted in a helper guest.\n" +
            "name = \"web1\"\ntype = \"hvm\"\nmemory = 256\nboot = \"c\"\nvnc = 0\n" +
            "disk = [ 'format=raw,vdev=hda,access=rw,target=/d/web1.img' ]\n",
            InstallConfigs.Guest("web1", InstallGuestType.Hvm, 256, "/d/web1.img", []));
    }
}
