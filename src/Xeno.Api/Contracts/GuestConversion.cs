using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>
/// POST /v1/guests/convert (xl guest-convert, the web console's PV/HVM switch): prepares the
/// Linux system on a stopped guest's disk for booting as pv or hvm, inside a helper guest with the
/// disk attached. Checked first (a refusal changes nothing: no Linux system, a disk a domain of
/// this xenod uses...), then run as an operation to follow with GET /v1/guests/convert/{id}.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GuestConvertRequest
{
    /// <summary>Absolute path of the disk image on the host.</summary>
    public required string Disk { get; init; }
    /// <summary>"pv", "pvh" or "hvm".</summary>
    public required string Type { get; init; }
    /// <summary>Plan and diff only, change nothing (xl guest-convert -n).</summary>
    public bool DryRun { get; init; }
    /// <summary>hvm: also install GRUB for BIOS in the disk's MBR with the guest's own grub-install (xl guest-convert -B).</summary>
    public bool InstallBootloader { get; init; }
    /// <summary>A folder on the host for copies of the texts before and after and the diff (absolute; default none: the backup is on the guest's disk).</summary>
    public string? Backup { get; init; }
    /// <summary>The helper's kernel and rescue initramfs (absolute; default &lt;prefix&gt;/usr/lib/xeno/rescue/vmlinuz and initrd.img).</summary>
    public string? Kernel { get; init; }
    public string? Ramdisk { get; init; }
    /// <summary>How long the helper guest may take (default 900 s).</summary>
    public int? TimeoutSeconds { get; init; }
}

/// <summary>A conversion as it goes: its steps so far, then its result or its failure.</summary>
public sealed record GuestConvertOperation
{
    public required string Id { get; init; }
    /// <summary>The disk (its full path).</summary>
    public required string Disk { get; init; }
    /// <summary>"running", "succeeded" or "failed".</summary>
    public required string State { get; init; }
    /// <summary>Progress lines, in order (xenod's and the helper's).</summary>
    public required IReadOnlyList<string> Steps { get; init; }
    /// <summary>Why it failed, and whether the disk was changed (where its backup is).</summary>
    public string? Error { get; init; }
    public GuestConvertResponse? Result { get; init; }
}

/// <summary>What a conversion found and did: the lines xl guest-convert prints.</summary>
public sealed record GuestConvertResponse
{
    /// <summary>e.g. "Debian GNU/Linux 12 (bookworm)".</summary>
    public required string Distribution { get; init; }
    /// <summary>"partition 1" or "the whole disk".</summary>
    public required string Location { get; init; }
    public required string FileSystem { get; init; }
    public required string BootSetup { get; init; }
    public required IReadOnlyList<string> InitSystems { get; init; }
    public required IReadOnlyList<string> Notes { get; init; }
    /// <summary>How many files change (a dry run's plan) or changed (the helper's, with the regenerated grub.cfg); 0: already prepared.</summary>
    public required int Changes { get; init; }
    /// <summary>Every change as a unified diff (the regenerated grub.cfg as the guest's grub-mkconfig wrote it).</summary>
    public required string Diff { get; init; }
    /// <summary>The backup folder with the restore script on the guest's disk; absent for a dry run or when nothing changed.</summary>
    public string? Backup { get; init; }
    /// <summary>GRUB was installed in the disk's MBR.</summary>
    public bool BootloaderInstalled { get; init; }
}
