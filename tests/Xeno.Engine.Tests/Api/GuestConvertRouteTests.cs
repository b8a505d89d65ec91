using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Api;

/// <summary>
/// POST /v1/guests/convert's refusals (the conversion itself is xl guest-convert's, tested in
/// GuestConversionTests and through the web console in PanelVmGuestTests): bad fields, a disk
/// with no Linux system, and a disk a domain uses (one paused kit domain, never booted).
/// </summary>
public sealed class GuestConvertRouteTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BadRequestsAndDisksInUseAreRefusedAndNothingChanges()
    {
        using var client = new XenodClient(Path.Combine(_x.Prefix, "run/xeno/xenod.sock"), _x.Prefix);
        var disk = Path.Combine(_x.Root, "blank.img");
        await File.WriteAllBytesAsync(disk, new byte[4 << 20], Ct);

        async Task<XenodException> Refused(GuestConvertRequest request) =>
            await Assert.ThrowsAsync<XenodException>(() => client.ConvertGuestAsync(request, Ct));

        var e = await Refused(new() { Disk = disk, Type = "xen" });
        Assert.Equal((ApiErrorKind.Invalid, "request field \"type\" must be pv, pvh or hvm, not \"xen\""), (e.Kind, e.Message));
        e = await Refused(new() { Disk = "blank.img", Type = "hvm" });
        Assert.Equal((ApiErrorKind.Invalid, "request field \"disk\" must be an absolute path"), (e.Kind, e.Message));
        e = await Refused(new() { Disk = disk, Type = "hvm" });
        Assert.Equal(ApiErrorKind.Invalid, e.Kind);
        // A blank image has no filesystem at all: Xeno.Boot's own words, after the disk's path.
        Assert.StartsWith($"{disk}: offset 0: no filesystem", e.Message, StringComparison.Ordinal);

        // A paused domain with the disk attached: the disk is in use.
        var cfg = _x.PvConfig("user", extra: $"disk=[\"format=raw,vdev=xvda,access=rw,target={disk}\"]\n");
        Assert.Equal(0, _x.Xl("create", "-q", "-p", cfg).Exit);
        e = await Refused(new() { Disk = disk, Type = "hvm", DryRun = true });
        Assert.Equal(ApiErrorKind.Conflict, e.Kind);
        Assert.Equal($"{disk} is in use by domain {_x.Domid("user")} (user): shut it down first", e.Message);
        Assert.Equal(new byte[4 << 20], await File.ReadAllBytesAsync(disk, Ct));
        Assert.Equal(0, _x.Xl("destroy", "user").Exit);
    }
}
