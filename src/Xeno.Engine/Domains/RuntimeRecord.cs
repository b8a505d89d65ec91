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
    public static RuntimeRecord Of(Domain d) => new(d.Domid, d.Name, d.Spec, d.Files, d.StartTime, d.Paused, d.Phase, d.Reason);

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
        };
        return o.ToJsonString();
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
                reasonText is null ? null : Enum.Parse<ShutdownReason>(reasonText));
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
        File.WriteAllText(temp, RuntimeRecord.Of(d).ToJson());
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
