using Xeno.Panel.Data;
using Xeno.Panel.Ssh;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Tests.Vms;

/// <summary>The create form's autoinstall fields: xl guest-install's checks, each message naming its field.</summary>
public sealed class VmAutoinstallFormTests
{
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBase64Key= me@host";

    private static readonly StoredSshKey Stored = new(1, 7, "ann", "ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAIStored", "SHA256:x", "ann@laptop", "2026-12-06");

    [Fact]
    public void AGoodFormIsReadAndTheHostNameDefaultsToTheVmsName()
    {
        var (install, errors) = VmAutoinstallForm.Parse("web-1", " ", "s3cret", Key + "\r\n", 256, []);
        Assert.Empty(errors);
        Assert.Equal(new VmAutoinstall("web-1", "s3cret", Key + "\n"), install);
        // No key typed: the owner's account keys go to root.
        (install, errors) = VmAutoinstallForm.Parse("web-1", "web.example", null, "", 256, [Stored]);
        Assert.Empty(errors);
        Assert.Equal(new VmAutoinstall("web.example", null, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIStored ann@laptop\n"), install);
    }

    [Theory]
    [InlineData("web_1", "pw", "", 256, "Host name: host name 'web_1' may hold only")]
    [InlineData("", "", "", 256, "Login: give a root password or an SSH key")]
    [InlineData("", "", "-----BEGIN OPENSSH PRIVATE KEY-----", 256, "SSH keys: it holds a private key: give the public key (the .pub file).")]
    [InlineData("", "", "ssh-ed25519 not!base64", 256, "SSH keys: line 1 is not an OpenSSH public key")]
    [InlineData("", "two\nlines", "", 256, "Root password: write it on one line.")]
    [InlineData("", "pw\0", "", 256, "Root password: the password holds a NUL byte.")]
    [InlineData("", "pw", "", 64, "Memory (MiB): an autoinstalled Debian needs at least 128 MiB.")]
    public void BadFieldsAreNamed(string hostname, string password, string keys, int memory, string expected)
    {
        var (install, errors) = VmAutoinstallForm.Parse("web", hostname, password, keys, memory, []);
        Assert.Null(install);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void TheBootChoiceIsEmptyOrAutoinstall()
    {
        Assert.Equal((false, (string?)null), VmAutoinstallForm.ParseBoot(null));
        Assert.Equal((false, (string?)null), VmAutoinstallForm.ParseBoot("empty"));
        Assert.Equal((true, (string?)null), VmAutoinstallForm.ParseBoot("autoinstall"));
        Assert.Equal((false, "Boot: choose an empty disk or an autoinstalled Debian."), VmAutoinstallForm.ParseBoot("/dev/sda"));
    }

    [Fact]
    public void APvVmWithAnAutoinstallNeedsNoKernel()
    {
        var (request, errors) = VmCreateForm.Parse("web", "pv", "256", "1", "4", "", [], diskBringsKernel: true);
        Assert.Empty(errors);
        Assert.Equal(new VmCreateRequest("web", VmType.Pv, 256, 1, 4, null), request);
    }
}
