namespace Xeno.Config.Language;

/// <summary>A successfully parsed file: one setting per key, in order of first appearance, last assignment wins.</summary>
public sealed class ConfigDocument
{
    private readonly Dictionary<string, int> _index;

    internal ConfigDocument(string sourceName, List<ConfigSetting> settings, Dictionary<string, int> index)
    {
        SourceName = sourceName;
        Settings = settings;
        _index = index;
    }

    /// <summary>The name used in messages (xl uses the config file name as given).</summary>
    public string SourceName { get; }

    public IReadOnlyList<ConfigSetting> Settings { get; }

    public bool TryGet(string key, out ConfigSetting setting)
    {
        if (_index.TryGetValue(key, out var i))
        {
            setting = Settings[i];
            return true;
        }
        setting = null!;
        return false;
    }
}
