namespace Xeno.Boot.Loaders;

/// <summary>
/// Tracks grub.cfg's if/elif/else/fi at the top level so that "set default=..." inside a
/// branch counts only when the branch would run. Conditions we cannot decide (unknown
/// variables, file tests) count as "maybe": both branches apply in file order, which is what
/// pygrub does for every branch.
/// </summary>
internal sealed class Grub2Conditions
{
    private enum Truth { False, True, Maybe }

    private sealed class Frame
    {
        public Truth Current;
        public bool AnyTrue;
        public bool AnyMaybe;
    }

    private readonly Stack<Frame> _frames = new();
    private const int MaxDepth = 64;

    /// <summary>False when some enclosing branch is known not to run.</summary>
    public bool Active => _frames.All(f => f.Current != Truth.False);

    /// <summary>Feeds one top-level line; returns true when it was a conditional keyword.</summary>
    public bool Observe(string line, Func<string, string?> expand)
    {
        var words = PyText.SplitWhitespace(line, 1);
        if (words.Count == 0) return false;
        switch (words[0])
        {
            case "if":
                if (_frames.Count < MaxDepth)
                {
                    var t = Evaluate(words.Count > 1 ? words[1] : "", expand);
                    _frames.Push(new Frame { Current = t, AnyTrue = t == Truth.True, AnyMaybe = t == Truth.Maybe });
                }
                return true;
            case "elif":
                if (_frames.TryPeek(out var e))
                {
                    var t = e.AnyTrue ? Truth.False : Evaluate(words.Count > 1 ? words[1] : "", expand);
                    if (t == Truth.True && e.AnyMaybe) t = Truth.Maybe;
                    e.Current = t;
                    e.AnyTrue |= t == Truth.True;
                    e.AnyMaybe |= t == Truth.Maybe;
                }
                return true;
            case "else":
                if (_frames.TryPeek(out var f))
                    f.Current = f.AnyTrue ? Truth.False : f.AnyMaybe ? Truth.Maybe : Truth.True;
                return true;
            case "fi":
                _frames.TryPop(out _);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Decides "[ ... ] ; then" for plain string tests on known variables.</summary>
    private static Truth Evaluate(string condition, Func<string, string?> expand)
    {
        var text = PyText.Strip(condition);
        foreach (var tail in new[] { "; then", ";then", " then" })
        {
            if (text.EndsWith(tail, StringComparison.Ordinal)) { text = PyText.Strip(text.Substring(0, text.Length - tail.Length)); break; }
        }
        if (!text.StartsWith('[') || !text.EndsWith(']')) return Truth.Maybe;
        var raw = Grub2Script.SplitWords(text.Substring(1, text.Length - 2));
        var words = new List<string>();
        foreach (var w in raw)
        {
            var v = expand(w);
            if (v is null) return Truth.Maybe;
            words.Add(v);
        }
        bool? result = words switch
        {
            [var a] => a.Length > 0,
            ["-n", var a] => a.Length > 0,
            ["-z", var a] => a.Length == 0,
            [var a, "=" or "==", var b] => a == b,
            [var a, "!=", var b] => a != b,
            _ => null,
        };
        return result is null ? Truth.Maybe : result.Value ? Truth.True : Truth.False;
    }
}
