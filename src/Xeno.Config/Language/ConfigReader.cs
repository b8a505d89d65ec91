using Xeno.Config.Text;
using System.Globalization;

namespace Xeno.Config.Language;

/// <summary>
/// Typed access to a parsed document with libxlutil's semantics (xlu_cfg_get_*). Warnings that
/// libxlutil would print are collected, in order, as the exact lines it prints; pass
/// <c>dontWarn: true</c> where xl passes dont_warn.
/// </summary>
public sealed class ConfigReader
{
    private readonly ConfigDocument _document;
    private readonly List<string> _warnings = [];

    public ConfigReader(ConfigDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        _document = document;
    }

    public ConfigDocument Document => _document;

    public IReadOnlyList<string> Warnings => _warnings;

    public bool Has(string key) => _document.TryGet(key, out _);

    /// <summary>The raw value of <paramref name="key"/>, whatever its kind (never warns).</summary>
    public bool TryGetValue(string key, out ConfigValue value)
    {
        if (_document.TryGet(key, out var setting))
        {
            value = setting.Value;
            return true;
        }
        value = null!;
        return false;
    }

    /// <summary>xlu_cfg_get_string: a single value; a list gives a warning.</summary>
    public bool TryGetString(string key, out string value, bool dontWarn = false)
    {
        value = "";
        if (!TryGetAtom(key, dontWarn, out _, out var atom)) return false;
        value = atom.Text;
        return true;
    }

    /// <summary>xlu_cfg_get_long: C strtol with base 0 (decimal, 0x hex, leading-0 octal, optional sign and leading space).</summary>
    public bool TryGetLong(string key, out long value, bool dontWarn = false) =>
        TryGetBoundedLong(key, long.MinValue, long.MaxValue, out value, dontWarn);

    /// <summary>xlu_cfg_get_bounded_long: like <see cref="TryGetLong"/>, and the value must lie in [min, max].</summary>
    public bool TryGetBoundedLong(string key, long min, long max, out long value, bool dontWarn = false)
    {
        value = 0;
        if (!TryGetAtom(key, dontWarn, out var setting, out var atom)) return false;

        if (setting.Operation == ConfigOperation.Add)
            return Warn(dontWarn, $"{Where(setting)}: warning: can't use += with numbers for parameter `{key}'");

        long parsed = CNumber.StrToL(atom.Text, 0, 0, out int consumed, out bool outOfRange);
        if (outOfRange)
            return Warn(dontWarn, $"{Where(setting)}: warning: parameter `{key}' could not be parsed as a number: Numerical result out of range");
        if (consumed == 0 || consumed != atom.Text.Length)
            return Warn(dontWarn, $"{Where(setting)}: warning: parameter `{key}' is not a valid number");
        if (parsed < min)
            return Warn(dontWarn, $"{Where(setting)}: warning: value `{Num(parsed)}' is smaller than minimum bound '{Num(min)}'");
        if (parsed > max)
            return Warn(dontWarn, $"{Where(setting)}: warning: value `{Num(parsed)}' is greater than maximum bound '{Num(max)}'");

        value = parsed;
        return true;
    }

    /// <summary>xlu_cfg_get_defbool: a number, false when 0 and true otherwise.</summary>
    public bool TryGetBool(string key, out bool value, bool dontWarn = false)
    {
        value = false;
        if (!TryGetLong(key, out long l, dontWarn)) return false;
        value = l != 0;
        return true;
    }

    /// <summary>xlu_cfg_get_list: a list; a single value gives a warning.</summary>
    public bool TryGetList(string key, out ConfigList list, bool dontWarn = false)
    {
        list = null!;
        if (!_document.TryGet(key, out var setting)) return false;
        if (setting.Value is not ConfigList l)
            return Warn(dontWarn, $"{Where(setting)}: warning: parameter `{key}' is a single value but should be a list");
        list = l;
        return true;
    }

    /// <summary>
    /// xlu_cfg_get_list_as_string_list: the list's strings. Like libxlutil's NULL-terminated array, the
    /// result stops before the first item that is itself a list.
    /// </summary>
    public bool TryGetStringList(string key, out IReadOnlyList<string> items, bool dontWarn = false)
    {
        items = [];
        if (!TryGetList(key, out var list, dontWarn)) return false;
        var result = new List<string>(list.Items.Count);
        foreach (var item in list.Items)
        {
            if (item is not ConfigString s) break;
            result.Add(s.Text);
        }
        items = result;
        return true;
    }

    /// <summary>
    /// The form xl accepts for options such as <c>cpus</c> or <c>bootloader_args</c>: a list (as its
    /// strings) or a single string (as one item, flagged by <paramref name="wasList"/> = false). Never warns.
    /// </summary>
    public bool TryGetListOrString(string key, out IReadOnlyList<string> items, out bool wasList)
    {
        wasList = false;
        if (TryGetStringList(key, out items, dontWarn: true))
        {
            wasList = true;
            return true;
        }
        if (TryGetString(key, out var single, dontWarn: true))
        {
            items = [single];
            return true;
        }
        items = [];
        return false;
    }

    /// <summary>xlu_cfg_value_get_string: a value (e.g. a list item) as a string; a list gives a warning.</summary>
    public bool TryGetValueString(ConfigValue value, out string text, bool dontWarn = false)
    {
        text = "";
        if (value is ConfigString s)
        {
            text = s.Text;
            return true;
        }
        return Warn(dontWarn, $"{_document.SourceName}:{value.Line}:0: warning: value is not a string");
    }

    /// <summary>xlu_cfg_value_get_list: a value (e.g. a list item) as a list; a string gives a warning.</summary>
    public bool TryGetValueList(ConfigValue value, out ConfigList list, bool dontWarn = false)
    {
        list = null!;
        if (value is ConfigList l)
        {
            list = l;
            return true;
        }
        return Warn(dontWarn, $"{_document.SourceName}:{value.Line}:0: warning: value is not a list");
    }

    private bool TryGetAtom(string key, bool dontWarn, out ConfigSetting setting, out ConfigString atom)
    {
        atom = null!;
        if (!_document.TryGet(key, out setting)) return false;
        if (setting.Value is not ConfigString s)
            return Warn(dontWarn, $"{Where(setting)}: warning: parameter `{key}' is a list but should be a single value");
        atom = s;
        return true;
    }

    private string Where(ConfigSetting setting) => $"{_document.SourceName}:{setting.Line}";

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    private bool Warn(bool dontWarn, string line)
    {
        if (!dontWarn) _warnings.Add(line);
        return false;
    }
}
