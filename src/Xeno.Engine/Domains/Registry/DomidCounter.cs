using System.Globalization;

namespace Xeno.Engine.Domains.Registry;

/// <summary>
/// The next domid, kept in a small file (&lt;prefix&gt;/run/xeno/next-domid) so domids keep
/// increasing across xenod restarts, as management tools key on them. The file is written
/// before a domid is handed out. Not thread-safe: the registry calls it under its lock.
/// </summary>
internal sealed class DomidCounter(string path)
{
    private int _next;

    public string Path { get; } = path;

    /// <summary>Hands out the next domid (1, 2, …); the one after it is on disk first.</summary>
    public int Take()
    {
        Load();
        int domid = _next;
        Persist(domid + 1);
        _next = domid + 1;
        return domid;
    }

    /// <summary>Makes sure domids from now on are at least <paramref name="next"/> (re-adopted domains).</summary>
    public void AtLeast(int next)
    {
        Load();
        if (next <= _next)
            return;
        Persist(next);
        _next = next;
    }

    private void Load()
    {
        if (_next > 0)
            return;
        _next = 1;
        if (!File.Exists(Path))
            return;
        var text = File.ReadAllText(Path).Trim();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            throw new EngineException(EngineErrorKind.Failed, $"{Path} holds \"{text}\", not a domid: remove it to count from the domains found");
        _next = value;
    }

    private void Persist(int next)
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            var temp = Path + ".tmp";
            File.WriteAllText(temp, next.ToString(CultureInfo.InvariantCulture) + "\n");
            File.Move(temp, Path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineException(EngineErrorKind.Failed, $"cannot record the next domid in {Path}: {e.Message}", e);
        }
    }
}
