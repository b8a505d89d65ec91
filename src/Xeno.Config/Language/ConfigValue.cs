namespace Xeno.Config.Language;

/// <summary>A parsed xl.cfg value. Strings and numbers are both text until a typed getter reads them.</summary>
public abstract class ConfigValue
{
    private protected ConfigValue(int line) => Line = line;

    /// <summary>
    /// The line libxlutil records for the value: the token's line for a string; for a list the line of
    /// its first item, or of the closing bracket when it is empty. Warnings about values quote this line.
    /// </summary>
    public int Line { get; }
}

/// <summary>A quoted string or a bare number.</summary>
public sealed class ConfigString : ConfigValue
{
    public ConfigString(string text, bool isNumber, int line) : base(line)
    {
        Text = text;
        IsNumber = isNumber;
    }

    /// <summary>The value with escapes resolved (quotes removed).</summary>
    public string Text { get; }

    /// <summary>True when the value was written as a bare number rather than quoted.</summary>
    public bool IsNumber { get; }

    public override string ToString() => Text;
}

/// <summary>A bracketed, possibly nested and heterogeneous list.</summary>
public sealed class ConfigList : ConfigValue
{
    private readonly List<ConfigValue> _items;

    public ConfigList(IEnumerable<ConfigValue> items, int line) : base(line) => _items = [.. items];

    public IReadOnlyList<ConfigValue> Items => _items;

    /// <summary>Used only by the parser while the list is being read.</summary>
    internal void Append(ConfigValue item) => _items.Add(item);

    /// <summary>Item <paramref name="index"/> as a string, or null when it is a list or out of range (xlu_cfg_get_listitem).</summary>
    public string? StringAt(int index) =>
        index >= 0 && index < Items.Count && Items[index] is ConfigString s ? s.Text : null;
}
