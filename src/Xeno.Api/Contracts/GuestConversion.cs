using System.Text.Json.Serialization;

namespace Xeno.Api.Contracts;

/// <summary>
/// POST /v1/guests/convert (xl guest-convert): prepares the Linux system on a stopped guest's
/// raw disk image for booting as pv or hvm. Refused for a disk a domain of this xenod uses.
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
    /// <summary>The backup folder (absolute; default &lt;disk&gt;.convert-&lt;type&gt;-&lt;UTC time&gt;).</summary>
    public string? Backup { get; init; }
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
    /// <summary>How many files change (0: already prepared).</summary>
    public required int Changes { get; init; }
    /// <summary>Every change as a unified diff.</summary>
    public required string Diff { get; init; }
    /// <summary>The backup folder with the undo script; absent for a dry run or when nothing changed.</summary>
    public string? Backup { get; init; }
}
