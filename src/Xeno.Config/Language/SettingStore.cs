namespace Xeno.Config.Language;

/// <summary>Collects assignments as libxlutil stores them: the newest assignment of a key wins and <c>+=</c> concatenates.</summary>
internal sealed class SettingStore
{
    private const string MixedAdd = "can't add [list] to \"string\" or vice versa";

    private readonly ParseContext _ctx;
    private readonly List<ConfigSetting> _settings = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public SettingStore(ParseContext ctx) => _ctx = ctx;

    public void Store(string? key, ConfigOperation op, ConfigValue? value, int line)
    {
        if (_ctx.Failed || key is null || value is null) return;

        bool known = _index.TryGetValue(key, out int slot);
        if (op == ConfigOperation.Add && known)
        {
            var combined = Concatenate(_settings[slot].Value, value);
            if (combined is null)
            {
                _ctx.LexicalError(MixedAdd);
                _ctx.MarkFailed();
                return;
            }
            value = combined;
        }

        var setting = new ConfigSetting(key, value, line, op);
        if (known) _settings[slot] = setting;
        else
        {
            _index.Add(key, _settings.Count);
            _settings.Add(setting);
        }
    }

    /// <summary>The previous value followed by the added one (keeping the added value's line), or null if the kinds differ.</summary>
    private static ConfigValue? Concatenate(ConfigValue previous, ConfigValue added) => (previous, added) switch
    {
        (ConfigString p, ConfigString a) => new ConfigString(p.Text + a.Text, p.IsNumber && a.IsNumber, a.Line),
        (ConfigList p, ConfigList a) => new ConfigList(p.Items.Concat(a.Items), a.Line),
        _ => null,
    };

    public ConfigDocument ToDocument(string sourceName) => new(sourceName, _settings, _index);
}
