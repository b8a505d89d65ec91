using Xeno.Config.Language;

namespace Xeno.Config.Host;

/// <summary>
/// Wraps a <see cref="ConfigReader"/> so that its warnings land in one message list in the
/// order xl would print them, interleaved with the caller's own messages, and remembers
/// which keys were looked at (the rest are options xl ignores).
/// </summary>
internal sealed class OrderedConfigReader(ConfigReader inner, List<string> messages)
{
    private readonly HashSet<string> _asked = new(StringComparer.Ordinal);
    private int _seen;

    /// <summary>Every key looked at so far, present or not.</summary>
    public IReadOnlySet<string> KeysAsked => _asked;

    public bool Has(string key)
    {
        _asked.Add(key);
        return inner.Has(key);
    }

    public bool TryGetString(string key, out string value, bool dontWarn = false)
    {
        _asked.Add(key);
        return Sync(inner.TryGetString(key, out value, dontWarn));
    }

    public bool TryGetLong(string key, out long value, bool dontWarn = false)
    {
        _asked.Add(key);
        return Sync(inner.TryGetLong(key, out value, dontWarn));
    }

    public bool TryGetBool(string key, out bool value, bool dontWarn = false)
    {
        _asked.Add(key);
        return Sync(inner.TryGetBool(key, out value, dontWarn));
    }

    public bool TryGetList(string key, out ConfigList list, bool dontWarn = false)
    {
        _asked.Add(key);
        return Sync(inner.TryGetList(key, out list, dontWarn));
    }

    public bool TryGetStringList(string key, out IReadOnlyList<string> items, bool dontWarn = false)
    {
        _asked.Add(key);
        return Sync(inner.TryGetStringList(key, out items, dontWarn));
    }

    private bool Sync(bool result)
    {
        var warnings = inner.Warnings;
        for (; _seen < warnings.Count; _seen++)
        {
            messages.Add(warnings[_seen] + "\n");
        }
        return result;
    }
}
