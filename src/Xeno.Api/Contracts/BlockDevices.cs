using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>
/// POST /v1/domains/{dom}/disks (xl block-attach): one disk as the disk= spec language describes
/// it; xl parses the spec, xenod checks it against the domain and the host.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BlockAttachRequest
{
    /// <summary>Image path or device; null or empty only for an empty CD-ROM drive.</summary>
    public string? Target { get; init; }
    /// <summary>"raw", "qcow", "qcow2", "vhd", "qed" or "empty".</summary>
    public required string Format { get; init; }
    /// <summary>Xen's virtual device name (xvdb, hdc, sda, d0p1 or a number).</summary>
    public required string Vdev { get; init; }
    public bool ReadOnly { get; init; }
    public bool Cdrom { get; init; }
    public string? Script { get; init; }
    public string? BackendType { get; init; }
}

/// <summary>POST /v1/domains/{dom}/disks/detach (xl block-detach).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BlockDetachRequest
{
    /// <summary>A vdev (xvdb) or a device number (51728), as xl block-detach takes it.</summary>
    public required string Device { get; init; }
    /// <summary>Do not wait for the guest to release the device (xl block-detach -f).</summary>
    public bool Force { get; init; }
}

/// <summary>One virtual block device of a domain (a row of xl block-list).</summary>
public sealed record BlockDeviceInfo
{
    /// <summary>Xen's device number (xvda = 51712).</summary>
    public required int Devid { get; init; }
    public required string Vdev { get; init; }
    public required int BackendId { get; init; }
    public required int FrontendId { get; init; }
    /// <summary>The xenbus state number (4 = Connected).</summary>
    public required int State { get; init; }
    /// <summary>Event channel and ring reference: -1, QEMU serves the disk without a Xen ring.</summary>
    public required int EventChannel { get; init; }
    public required int RingRef { get; init; }
    /// <summary>The backend's xenstore path (/local/domain/0/backend/vbd/DOMID/DEVID).</summary>
    public required string BackendPath { get; init; }
    public string? Target { get; init; }
    public required string Format { get; init; }
    public required bool ReadOnly { get; init; }
    public required bool Cdrom { get; init; }
}

/// <summary>GET /v1/domains/{dom}/disks: the domain's disks in device-number order.</summary>
public sealed record BlockDeviceList
{
    public required IReadOnlyList<BlockDeviceInfo> Devices { get; init; }
}

/// <summary>POST /v1/domains/{dom}/cdrom/insert (xl cd-insert).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CdInsertRequest
{
    public required string Vdev { get; init; }
    /// <summary>The image to insert; "raw" unless a format prefix or qcow2 is given.</summary>
    public required string Path { get; init; }
    public string Format { get; init; } = "raw";
}

/// <summary>POST /v1/domains/{dom}/cdrom/eject (xl cd-eject).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CdEjectRequest
{
    public required string Vdev { get; init; }
}
