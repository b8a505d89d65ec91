using System.Globalization;

namespace Xeno.Engine.Resources;

/// <summary>
/// The domain's weight and cap as Xen numbers, kept beside its QEMU files (&lt;run&gt;/d&lt;domid&gt;/sched)
/// so a restarted xenod reads back exactly what was set (v2's cpu.weight cannot give every Xen
/// weight back). Removed with the run directory.
/// </summary>
internal static class SchedFile
{
    public static string PathIn(string runDir) => Path.Join(runDir, "sched");

    public static void Save(string runDir, SchedParams p)
    {
        Directory.CreateDirectory(runDir);
        var path = PathIn(runDir);
        File.WriteAllText(path + ".tmp", string.Create(CultureInfo.InvariantCulture, $"weight={p.Weight} cap={p.Cap}\n"));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Null when missing or not in this file's format.</summary>
    public static SchedParams? Load(string runDir)
    {
        string text;
        try { text = File.ReadAllText(PathIn(runDir)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return Parse(text);
    }

    public static SchedParams? Parse(string text)
    {
        int? weight = null, cap = null;
        foreach (var field in text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = field.Split('=', 2);
            if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out int v))
                return null;
            if (kv[0] == "weight") weight = v;
            else if (kv[0] == "cap") cap = v;
        }
        return weight is >= 1 and <= 65535 && cap is { } c ? new SchedParams(weight.Value, c) : null;
    }
}
