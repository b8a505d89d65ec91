using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xeno.Engine.Migration;

/// <summary>
/// The disks an incoming --copy-storage copy created. The disks must exist before the domain is
/// reserved (its disk checks), so the list is first a staged file in xenod's run folder
/// (<see cref="StagedPrefix"/>&lt;id&gt;.json, written before each disk is created), moved into the
/// domain's own run folder once it has a domid. That folder lives exactly as long as the domain:
/// a xenod killed before the incoming start completed (no runtime record) finds the folder, or
/// the staged list, at its next start (UnrecordedRunFolders) and removes these disks; a completed
/// domain keeps its folder (and its disks) and its destroy removes the folder.
/// </summary>
internal static class IncomingDiskJournal
{
    public const string FileName = "incoming-disks.json";
    public const string StagedPrefix = "incoming-disks-";

    public static string PathIn(string runDir) => Path.Combine(runDir, FileName);

    /// <summary>A new staged list's path in xenod's run folder (one per receive).</summary>
    public static string NewStaged(string xenodRunDir) => Path.Combine(xenodRunDir, StagedPrefix + Guid.NewGuid().ToString("N") + ".json");

    /// <summary>Staged lists left in xenod's run folder (by a xenod killed before the domain had its domid).</summary>
    public static IEnumerable<string> Staged(string xenodRunDir) =>
        Directory.Exists(xenodRunDir) ? Directory.EnumerateFiles(xenodRunDir, StagedPrefix + "*.json") : [];

    /// <summary>Replaces the list (written aside, then renamed: a kill leaves the old list or the new, never half).</summary>
    public static void Write(string path, IReadOnlyList<string> disks)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var part = path + ".part";
        File.WriteAllText(part, Format(disks));
        File.Move(part, path, overwrite: true);
    }

    /// <summary>The staged list becomes the domain's (a rename: the list is always in one place).</summary>
    public static void MoveInto(string staged, string runDir)
    {
        if (!File.Exists(staged))
            return;
        Directory.CreateDirectory(runDir);
        File.Move(staged, PathIn(runDir), overwrite: true);
    }

    /// <summary>The list in a file; none if there is no file.</summary>
    /// <exception cref="InvalidDataException">The file is not such a list.</exception>
    public static IReadOnlyList<string> Read(string path) =>
        File.Exists(path) ? Parse(File.ReadAllText(path)) : [];

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
