using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Api;

/// <summary>
/// POST /v1/guests/install's refusals (the install itself is xl guest-install's, through this
/// route, in RealGuests/GuestInstallTests): each bad field answers a clear error naming it, and
/// the folder the install would write to is the same after each; an unknown operation is
/// not_found. One paused kit domain (never booted) takes a name.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestInstallRouteTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBase64Key= me@host";

    /// <summary>Every file where an install would write (the output folder, xenod's default disk folder), with its size.</summary>
    private string[] Files(string output) =>
        Directory.GetFiles(output, "*", SearchOption.AllDirectories)
            .Concat(Directory.Exists(Path.Combine(_x.Prefix, "var/lib/xeno/disks")) ? Directory.GetFiles(Path.Combine(_x.Prefix, "var/lib/xeno/disks")) : [])
            .Order(StringComparer.Ordinal).Select(f => $"{f} {new FileInfo(f).Length}").ToArray();

    [Fact]
    public async Task BadRequestsAreRefusedNamingTheFieldAndMakeNothing()
    {
        using var client = new XenodClient(Path.Combine(_x.Prefix, "run/xeno/xenod.sock"), _x.Prefix);
        var baseImage = PartitionedBaseImage.Create(Path.Combine(_x.Root, "base.img"));
        var output = Path.Combine(_x.Root, "out");
        Directory.CreateDirectory(output);
        var taken = Path.Combine(output, "taken.img");
        await File.WriteAllTextAsync(taken, "someone's disk", Ct);
        var good = new GuestInstallRequest
        {
            Name = "web1", Type = "pv", AuthorizedKeys = Key, BaseImage = baseImage, Kernel = _x.Kit.Vmlinuz, Ramdisk = _x.Kit.Initrd,
            Disk = Path.Combine(output, "web1.img"), Config = Path.Combine(output, "web1.cfg"),
        };
        var cfg = _x.PvConfig("user");
        Assert.Equal(0, _x.Xl("create", "-q", "-p", cfg).Exit);
        var before = Files(output);
        var missing = Path.Combine(_x.Root, "nothing-here");
        var blank = Path.Combine(_x.Root, "blank.img");
        await File.WriteAllBytesAsync(blank, new byte[2 << 20], Ct);

        var cases = new (GuestInstallRequest Request, ApiErrorKind Kind, string Message)[]
        {
            (good with { Type = "pvh" }, ApiErrorKind.Invalid, "request field \"type\" must be pv or hvm, not \"pvh\""),
            (good with { Name = "web 1" }, ApiErrorKind.Invalid,
                "guest name 'web 1' may hold only letters, digits, '_', '.' and '-' (at most 64, starting with a letter or digit): it names files"),
            (good with { Name = "Web1" }, ApiErrorKind.Invalid,
                "host name 'Web1' has upper-case letters: write it in lower case (the guest's name is the default host name: give \"hostname\")"),
            (good with { Hostname = "web_1" }, ApiErrorKind.Invalid,
                "host name 'web_1' may hold only a-z, 0-9, '-' and '.', and no label may start or end with '-'"),
            (good with { AuthorizedKeys = null }, ApiErrorKind.Invalid, "no login for the new guest: give \"authorized_keys\" and/or \"root_password\""),
            (good with { AuthorizedKeys = "not a key" }, ApiErrorKind.Invalid,
                "request field \"authorized_keys\": line 1 is not an OpenSSH public key (ssh-ed25519 AAAA... comment)"),
            (good with { RootPassword = "two\nlines" }, ApiErrorKind.Invalid, "request field \"root_password\" must be one line"),
            (good with { RootPassword = "" }, ApiErrorKind.Invalid, "request field \"root_password\": its first line (the password) is empty"),
            (good with { MemoryMib = 64 }, ApiErrorKind.Invalid,
                "request field \"memory_mib\" must be a whole number of MiB from 128 to 1048576 (Debian needs about 128), not 64"),
            (good with { TimeoutSeconds = 0 }, ApiErrorKind.Invalid, "request field \"timeout_seconds\" must be from 1 to 86400, not 0"),
            (good with { Disk = "web1.img" }, ApiErrorKind.Invalid, "request field \"disk\" must be an absolute path"),
            (good with { Config = "/x/it's.cfg" }, ApiErrorKind.Invalid,
                "request field \"config\": '/x/it's.cfg' cannot be written in an xl.cfg string (it holds a quote, backslash, newline or NUL)"),
            (good with { Vifs = ["bridge='br0'"] }, ApiErrorKind.Invalid,
                "request field \"vifs\": vif 'bridge='br0'' cannot be written in an xl.cfg string (it holds a quote, backslash, newline or NUL)"),
            (good with { SizeBytes = 32L << 20 }, ApiErrorKind.Invalid,
                $"request field \"size_bytes\" ({32L << 20}) is smaller than the base image (64 MiB): a disk can only grow"),
            (good with { BaseImage = blank }, ApiErrorKind.Invalid, $"base image {blank}: no MBR partition table: not a disk made by scripts/debian-image/build"),
            (good with { BaseImage = missing }, ApiErrorKind.Invalid, $"base image {missing}: Could not find file '{missing}'."),
            (good with { Kernel = missing }, ApiErrorKind.Invalid,
                $"no helper kernel at {missing}: give \"kernel\", or install the guest kit's (scripts/guest-kit/build) vmlinuz " +
                $"and rescue-initrd.img as vmlinuz and initrd.img in {Path.Combine(_x.Prefix, "usr/lib/xeno/rescue")}"),
            (good with { Disk = taken }, ApiErrorKind.Conflict,
                $"request field \"disk\": {taken} exists already: the new guest gets a disk of its own (remove it or name another)"),
            (good with { Config = taken }, ApiErrorKind.Conflict, $"request field \"config\": {taken} exists already (remove it or name another)"),
            (good with { Name = "user" }, ApiErrorKind.Conflict, "a domain named user exists already"),
        };
        foreach (var (request, kind, message) in cases)
        {
            var e = await Assert.ThrowsAsync<XenodException>(() => client.StartGuestInstallAsync(request, Ct));
            Assert.Equal((kind, message), (e.Kind, e.Message));
            Assert.Equal(before, Files(output));
        }
        Assert.Equal(new[] { "Domain-0", "user" }, _x.ListNames());

        // xl passes its own checks, then prints xenod's refusal as its own (as before the install moved to xenod).
        var keyFile = _x.WriteConfig("id.pub", Key + "\n");
        Assert.Equal((1, "", "guest-install: a domain named user exists already\n"),
            _x.Xl("guest-install", "--base", baseImage, "-k", _x.Kit.Vmlinuz, "-r", _x.Kit.Initrd, "--ssh-key", keyFile,
                "-d", Path.Combine(output, "user.img"), "-o", Path.Combine(output, "user.cfg"), "user"));
        Assert.Equal(before, Files(output));
        var unknown = await Assert.ThrowsAsync<XenodException>(() => client.GetGuestInstallAsync("12345", Ct));
        Assert.Equal(ApiErrorKind.NotFound, unknown.Kind);
        Assert.Equal(0, _x.Xl("destroy", "user").Exit);
    }
}
