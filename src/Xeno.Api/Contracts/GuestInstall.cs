using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>
/// POST /v1/guests/install (xl guest-install, the web console's "autoinstall"): a new guest with
/// Debian installed on a disk of its own, by xenod in a helper guest. Paths left out take xenod's
/// defaults under its prefix. Every value is checked before anything is made; the answer is an
/// operation to follow with GET /v1/guests/install/{id}.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GuestInstallRequest
{
    /// <summary>The new guest's domain name (it names its files).</summary>
    public required string Name { get; init; }
    /// <summary>"pv" (pygrub) or "hvm".</summary>
    public required string Type { get; init; }
    /// <summary>The guest's host name (default: the name).</summary>
    public string? Hostname { get; init; }
    /// <summary>The disk's size in bytes (default: the base image's; never smaller).</summary>
    public long? SizeBytes { get; init; }
    /// <summary>OpenSSH public key lines for root's authorized_keys.</summary>
    public string? AuthorizedKeys { get; init; }
    /// <summary>root's password (sent to the helper on a private parameter disk, never logged).</summary>
    public string? RootPassword { get; init; }
    /// <summary>The guest's memory in its config, MiB (default 512).</summary>
    public int? MemoryMib { get; init; }
    /// <summary>The config's vif specs, as in vif=[...].</summary>
    public IReadOnlyList<string>? Vifs { get; init; }
    /// <summary>The new raw disk (absolute; default &lt;prefix&gt;/var/lib/xeno/disks/&lt;name&gt;.img). Must not exist.</summary>
    public string? Disk { get; init; }
    /// <summary>Where to write the guest's xl config (absolute; null: none is written, the answer carries the text).</summary>
    public string? Config { get; init; }
    /// <summary>The Debian base image, raw (default &lt;prefix&gt;/usr/lib/xeno/images/debian-12.img).</summary>
    public string? BaseImage { get; init; }
    /// <summary>The helper's kernel and rescue initramfs (default &lt;prefix&gt;/usr/lib/xeno/rescue/vmlinuz and initrd.img).</summary>
    public string? Kernel { get; init; }
    public string? Ramdisk { get; init; }
    /// <summary>How long the helper guest may take (default 1200 s).</summary>
    public int? TimeoutSeconds { get; init; }
}

/// <summary>An install as it goes: its steps so far, then its result or its failure.</summary>
public sealed record GuestInstallOperation
{
    public required string Id { get; init; }
    /// <summary>The new guest's name.</summary>
    public required string Name { get; init; }
    /// <summary>"running", "succeeded" or "failed".</summary>
    public required string State { get; init; }
    /// <summary>Progress lines, in order (xenod's and the helper's).</summary>
    public required IReadOnlyList<string> Steps { get; init; }
    /// <summary>Why it failed (the new disk is then removed).</summary>
    public string? Error { get; init; }
    public GuestInstallResult? Result { get; init; }
}

/// <summary>A finished install: the disk is the guest's, the config text is what it boots with.</summary>
public sealed record GuestInstallResult
{
    public required string Disk { get; init; }
    public required long SizeBytes { get; init; }
    public required string Type { get; init; }
    public required string Hostname { get; init; }
    /// <summary>Where the config was written (absent when the request gave none).</summary>
    public string? Config { get; init; }
    public required string ConfigText { get; init; }
    public required double Seconds { get; init; }
}

/// <summary>POST /v1/guests/chainload-cd: the cached GRUB chain-load CD, built if missing.</summary>
public sealed record ChainloadCdResponse
{
    /// <summary>The ISO in xenod's cache (&lt;prefix&gt;/var/lib/xeno/chainload-cd/chainload-&lt;key&gt;.iso).</summary>
    public required string Path { get; init; }
}
