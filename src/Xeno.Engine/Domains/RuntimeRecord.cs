using System.Text.Json.Nodes;
using Xeno.Config.Domain;
using Xeno.Qemu.Machine;

namespace Xeno.Engine.Domains;

/// <summary>
/// What a restarted xenod needs to re-adopt a domain, one JSON file per domain under
/// &lt;prefix&gt;/run/xeno/domains/. Written atomically (temp file + rename) on every change.
/// </summary>
internal sealed record RuntimeRecord(
    int Domid,
    string Name,
    DomainSpec Spec,
    RuntimeFiles Files,
    DateTimeOffset StartTime,
    bool Paused,
    DomainPhase Phase,
    ShutdownReason? Reason)
{
    /// <summary>Balloon target in KiB (xl mem-set); null in records of older xenods.</summary>
    public long? TargetKb { get; init; }
    /// <summary>Static maximum in KiB (xl mem-max); null in records of older xenods.</summary>
    public long? MaxMemKb { get; init; }
    /// <summary>Soft affinity per vCPU as set by cpus_soft= or xl vcpu-pin (hard is re-read from /proc).</summary>
    public IReadOnlyList<IReadOnlySet<int>?> SoftAffinity { get; init; } = [];
    /// <summary>The VNC password, so a re-adopting xenod can set it again; the file is root-only.</summary>
    public string? VncPassword { get; init; }
    /// <summary>Taps and routes the domain owns on the host, with their undo commands (Network/).</summary>
    public Network.HostNetworkEffects Network { get; init; } = Xeno.Engine.Network.HostNetworkEffects.Empty;

    public static RuntimeRecord Of(Domain d) => new(d.Domid, d.Name, d.Spec, d.Files, d.StartTime, d.Paused, d.Phase, d.Reason)
    {
        TargetKb = d.TargetKb,
        MaxMemKb = d.MaxMemKb,
        SoftAffinity = d.Affinity.Soft,
        VncPassword = string.IsNullOrEmpty(d.Spec.Vnc.Password) ? null : d.Spec.Vnc.Password,
        Network = d.Network,
    };

    public string ToJson()
    {
        var o = new JsonObject
        {
            ["domid"] = Domid,
            ["name"] = Name,
            ["start_time"] = StartTime.ToUnixTimeMilliseconds(),
            ["paused"] = Paused,
            ["phase"] = Phase.ToString(),
            ["reason"] = Reason?.ToString(),
            ["files"] = new JsonObject
            {
                ["qmp"] = Files.QmpSocket,
                ["console"] = Files.ConsoleSocket,
                ["console_log"] = Files.ConsoleLog,
                ["agent"] = Files.AgentSocket,
                ["pidfile"] = Files.PidFile,
            },
            ["spec"] = JsonNode.Parse(DomainSpecJson.Write(Spec)),
            ["target_kb"] = TargetKb,
            ["maxmem_kb"] = MaxMemKb,
            ["soft_affinity"] = new JsonArray(SoftAffinity.Select(a => (JsonNode?)(a is null ? null : CpuRanges.Format(a))).ToArray()),
            ["vnc_password"] = VncPassword,
            ["network"] = Network.IsEmpty ? null : Network.ToJson(),
        };
        return o.ToJsonString();
    }

    private static IReadOnlySet<int>? ReadCpus(JsonNode? node)
    {
        if (node is null)
            return null;
        return Xeno.Host.KernelCpuList.TryParse((string)node!, out var cpus)
            ? cpus
            : throw new FormatException($"soft_affinity entry \"{(string)node!}\" is not a CPU list");
    }

    /// <summary>Reads a record; a damaged one yields an <see cref="InvalidDataException"/> naming the problem.</summary>
    public static RuntimeRecord FromJson(string json)
    {
        try
        {
            var o = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("record is null");
            var f = o["files"]!.AsObject();
            var reasonText = (string?)o["reason"];
            return new RuntimeRecord(
                (int)o["domid"]!,
                (string)o["name"]!,
                DomainSpecJsonReader.Read(o["spec"]!.ToJsonString()),
                new RuntimeFiles((string)f["qmp"]!, (string)f["console"]!, (string)f["console_log"]!, (string)f["agent"]!, (string)f["pidfile"]!),
                DateTimeOffset.FromUnixTimeMilliseconds((long)o["start_time"]!),
                (bool)o["paused"]!,
                Enum.Parse<DomainPhase>((string)o["phase"]!),
                reasonText is null ? null : Enum.Parse<ShutdownReason>(reasonText))
            {
                TargetKb = (long?)o["target_kb"],
                MaxMemKb = (long?)o["maxmem_kb"],
                SoftAffinity = o["soft_affinity"] is JsonArray soft ? soft.Select(ReadCpus).ToList() : [],
                VncPassword = (string?)o["vnc_password"],
                Network = Xeno.Engine.Network.HostNetworkEffects.FromJson(o["network"]),
            };
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException
                                    or ArgumentException or FormatException or DomainSpecJsonException or OverflowException)
        {
            throw new InvalidDataException($"damaged runtime record: {e.Message}", e);
        }
    }
}

/// <summary>The folder of runtime records.</summary>
internal sealed class RuntimeRecordStore(string directory)
{
    public void Save(Domain d)
    {
        Directory.CreateDirectory(directory);
        var path = PathOf(d.Domid);
        var temp = path + ".tmp";
        // Root-only: a record can hold the domain's VNC password.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var f = new FileStream(temp, options))
        using (var w = new StreamWriter(f))
            w.Write(RuntimeRecord.Of(d).ToJson());
        File.Move(temp, path, overwrite: true);
    }

    public void Delete(int domid) => File.Delete(PathOf(domid));

    public IEnumerable<(string Path, string Text)> All()
    {
        if (!Directory.Exists(directory))
            yield break;
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
            yield return (file, File.ReadAllText(file));
    }

    private string PathOf(int domid) => Path.Combine(directory, domid.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".json");
}
