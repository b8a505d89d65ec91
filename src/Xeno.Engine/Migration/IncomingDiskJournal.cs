using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xeno.Engine.Migration;

/// <summary>
/// The disks an incoming --copy-storage copy created, written into that domain's run folder before
/// each disk is created. The run folder lives exactly as long as the domain: a xenod killed before
/// the incoming start completed (no runtime record) finds the folder at its next start
/// (UnrecordedRunFolders) and removes these disks with it; a completed domain keeps its folder
/// (and its disks) and its destroy removes the folder.
/// </summary>
internal static class IncomingDiskJournal
{
    public const string FileName = "incoming-disks.json";

    public static string PathIn(string runDir) => Path.Combine(runDir, FileName);

    /// <summary>Replaces the list (written aside, then renamed: a kill leaves the old list or the new, never half).</summary>
    public static void Write(string runDir, IReadOnlyList<string> disks)
    {
        Directory.CreateDirectory(runDir);
        var path = PathIn(runDir);
        var part = path + ".part";
        File.WriteAllText(part, Format(disks));
        File.Move(part, path, overwrite: true);
    }

    /// <summary>The list in the run folder; none if there is no list.</summary>
    /// <exception cref="InvalidDataException">The file is not such a list.</exception>
    public static IReadOnlyList<string> Read(string runDir)
    {
        var path = PathIn(runDir);
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : [];
    }

    public static string Format(IReadOnlyList<string> disks)
    {
        var list = new JsonArray();
        foreach (var disk in disks)
            list.Add(JsonValue.Create(disk));
        return new JsonObject { ["disks"] = list }.ToJsonString();
    }

    /// <exception cref="InvalidDataException">Not a list of absolute paths.</exception>
    public static IReadOnlyList<string> Parse(string text)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{FileName}: not JSON ({e.Message})", e);
        }
        if (root is not JsonObject o || o["disks"] is not JsonArray list)
            throw new InvalidDataException($"{FileName}: no \"disks\" list");
        var disks = new List<string>();
        foreach (var item in list)
        {
            if (item is not JsonValue v || !v.TryGetValue<string>(out var disk) || !Path.IsPathFullyQualified(disk) || disk.Contains('\0'))
                throw new InvalidDataException($"{FileName}: an entry is not an absolute path: {item?.ToJsonString() ?? "null"}");
            disks.Add(disk);
        }
        return disks;
    }
}
