namespace Xeno.Config.Language;

/// <summary>How a setting was written: <c>key = value</c> or <c>key += value</c>.</summary>
public enum ConfigOperation
{
    Assign,
    Add,
}

/// <summary>The effective setting of one key (the last assignment, with <c>+=</c> already applied).</summary>
public sealed class ConfigSetting
{
    public ConfigSetting(string key, ConfigValue value, int line, ConfigOperation operation = ConfigOperation.Assign)
    {
        Key = key;
        Value = value;
        Line = line;
        Operation = operation;
    }

    public string Key { get; }
    public ConfigValue Value { get; }

    /// <summary>Line where the value of the last assignment starts (what libxlutil quotes in warnings).</summary>
    public int Line { get; }

    /// <summary>The operator of the last assignment; libxlutil refuses to read numbers from a <c>+=</c> setting.</summary>
    public ConfigOperation Operation { get; }
}
