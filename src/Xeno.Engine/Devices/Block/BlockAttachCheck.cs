using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Config.Specs;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Devices.Block;

/// <summary>
/// The checks of xl block-attach that need no host or QEMU: the request becomes a
/// <see cref="DomainDisk"/> and the domain's spec with it added, or a refusal in libxl's words.
/// </summary>
internal static class BlockAttachCheck
{
    public static DomainDisk Disk(int domid, BlockAttachRequest r)
    {
        if (!Vdev.TryParse(r.Vdev, out var vdev))
            throw new EngineException(EngineErrorKind.Invalid, $"libxl: error: Domain {domid}:Invalid or unsupported virtual disk identifier {r.Vdev}");
        if (r.Cdrom)
            throw new EngineException(EngineErrorKind.Invalid,
                $"libxl: error: Domain {domid}:a CD-ROM drive ({r.Vdev}) cannot be hot-plugged; give it in disk= and change its medium with xl cd-insert");
        if (string.IsNullOrEmpty(r.Target))
            throw new EngineException(EngineErrorKind.Invalid, $"libxl: error: Domain {domid}:Disk vdev={r.Vdev} has no target");
        return new DomainDisk
        {
            Target = r.Target,
            Format = r.Format,
            Vdev = r.Vdev,
            Devid = vdev.Devid,
            ReadOnly = r.ReadOnly,
            IsCdrom = false,
            Script = r.Script,
            BackendType = r.BackendType,
        };
    }

    /// <summary>The spec with <paramref name="disk"/> added; a vdev already in use is libxl's "device already exists".</summary>
    public static DomainSpec Added(int domid, DomainSpec spec, DomainDisk disk)
    {
        if (spec.Disks.Any(x => x.Devid == disk.Devid))
            throw new EngineException(EngineErrorKind.Conflict, $"libxl: error: Domain {domid}:device already exists in xenstore");
        return spec with { Disks = [.. spec.Disks, disk] };
    }

    /// <summary>The image formats QEMU opens for Xeno; others are refused, naming them.</summary>
    public static Qemu.Machine.DiskFormat QemuFormat(int domid, DomainDisk disk) => disk.Format switch
    {
        "raw" => Qemu.Machine.DiskFormat.Raw,
        "qcow2" => Qemu.Machine.DiskFormat.Qcow2,
        _ => throw new EngineException(EngineErrorKind.Invalid,
            $"libxl: error: Domain {domid}:disk {disk.Vdev}: format={disk.Format} is not supported (raw or qcow2)"),
    };
}
