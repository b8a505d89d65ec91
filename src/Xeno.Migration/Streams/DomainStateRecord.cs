using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xeno.Migration.Streams;

/// <summary>
/// What a domain needs besides QEMU's state to continue on a new QEMU: its identity, the
/// config it runs with (Xeno's domain JSON), and what changed at run time (balloon target,
/// memory maximum, soft affinity, VNC password, paused). Devices come from the config, so
/// the new QEMU has the same NICs (same MACs) and disks (same paths) in the same slots.
/// </summary>
public sealed record DomainStateRecord(string Name, Guid Uuid, string SpecJson, bool Paused, long TargetKb, long MaxMemKb)
{
    public IReadOnlyList<string?> SoftAffinity { get; init; } = [];
    public string? VncPassword { get; init; }
    /// <summary>xl migrate --copy-storage: the local disks mirrored to the target (empty otherwise).</summary>
    public IReadOnlyList<CopiedDisk> CopiedDisks { get; init; } = [];
    /// <summary>
    /// xl migrate handed the channel itself to QEMU: QEMU's stream follows the prefix as QEMU
    /// wrote it, unchunked, and the receiver hands its end to its QEMU too (docs/migration.md).
    /// </summary>
    public bool RawQemuStream { get; init; }

    public string ToJson()
    {
        var o = new JsonObject
        {
            ["name"] = Name,
            ["uuid"] = Uuid.ToString("D"),
            ["paused"] = Paused,
            ["target_kb"] = TargetKb,
            ["maxmem_kb"] = MaxMemKb,
            ["soft_affinity"] = new JsonArray(SoftAffinity.Select(a => (JsonNode?)a).ToArray()),
            ["vnc_password"] = VncPassword,
            ["spec"] = JsonNode.Parse(SpecJson),
        };
        // Only with --copy-storage: save files and plain migrations stay as they were.
        if (CopiedDisks.Count > 0)
            o["copy_storage"] = new JsonArray(CopiedDisks.Select(d => (JsonNode)new JsonObject
            {
                ["vdev"] = d.Vdev, ["drive"] = d.Drive, ["path"] = d.Path, ["format"] = d.Format, ["virtual_size"] = d.VirtualSize,
            }).ToArray());
        // Only when the channel went to QEMU: save files never carry it.
        if (RawQemuStream)
            o["qemu_stream"] = "raw";
        return o.ToJsonString();
    }

    /// <summary>Reads the record; anything missing or mistyped is a <see cref="Xeno.Migration.SaveFiles.SaveFileException"/> naming the field.</summary>
    public static DomainStateRecord FromJson(string json)
    {
        try
        {
            var o = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("it is null");
            string name = Field<string>(o, "name");
            if (!Guid.TryParse(Field<string>(o, "uuid"), out var uuid))
                throw new FormatException("uuid is not a UUID");
            var spec = o["spec"] as JsonObject ?? throw new FormatException("spec is missing");
            return new DomainStateRecord(name, uuid, spec.ToJsonString(), Field<bool>(o, "paused"),
                Field<long>(o, "target_kb"), Field<long>(o, "maxmem_kb"))
            {
                SoftAffinity = o["soft_affinity"] is JsonArray soft ? soft.Select(n => n is null ? null : (string?)n).ToList() : [],
                VncPassword = (string?)o["vnc_password"],
                CopiedDisks = o["copy_storage"] is JsonArray copied ? copied.Select(Copied).ToList() : [],
                RawQemuStream = o["qemu_stream"] switch
                {
                    null => false,
                    var v when v.GetValue<string>() == "raw" => true,
                    var v => throw new FormatException($"qemu_stream \"{v.GetValue<string>()}\" is not \"raw\""),
                },
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new Xeno.Migration.SaveFiles.SaveFileException("Savefile is corrupt", $"domain state record: {e.Message}");
        }
    }

    private static CopiedDisk Copied(JsonNode? n)
    {
        var o = n as JsonObject ?? throw new FormatException("copy_storage holds a non-object");
        var d = new CopiedDisk(Field<string>(o, "vdev"), Field<string>(o, "drive"), Field<string>(o, "path"),
            Field<string>(o, "format"), Field<long>(o, "virtual_size"));
        if (!CopiedDisk.IsKnownFormat(d.Format) || d.VirtualSize <= 0 || !System.IO.Path.IsPathFullyQualified(d.Path)
            || d.Drive.Length == 0 || !d.Drive.All(char.IsAsciiLetterOrDigit))
            throw new FormatException($"copy_storage: disk {d.Vdev} is not a disk to copy (format {d.Format}, size {d.VirtualSize}, path {d.Path}, drive {d.Drive})");
        return d;
    }

    private static T Field<T>(JsonObject o, string name) =>
        o[name] is { } n ? n.GetValue<T>() : throw new FormatException($"{name} is missing");
}
