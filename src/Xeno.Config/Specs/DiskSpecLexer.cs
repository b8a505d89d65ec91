using Xeno.Config.Text;

namespace Xeno.Config.Specs;

internal enum DiskLexOutcome { Finished, Stopped, Jammed }

/// <summary>
/// A hand-written equivalent of the flex scanner inside libxlutil (Xen 4.17): at each
/// position every rule is tried, the longest match wins (trailing context counts towards
/// the length) and ties go to the earlier rule. The rule list mirrors the order of the
/// original scanner because that order decides ties.
/// </summary>
internal static class DiskSpecLexer
{
    /// <summary>Runs a rule on its matched text; false stops the scanner (flex's "return 0").</summary>
    private delegate bool RuleAction(string text, DiskParseState state);

    private sealed record Rule(Func<LexInput, int, (int Total, int Head)> Match, RuleAction Act);

    /// <summary>The string plus where each line ends, so ".*" costs O(1) per try.</summary>
    private sealed class LexInput
    {
        private readonly int[] _lineEnd;

        public LexInput(string s)
        {
            S = s;
            _lineEnd = new int[s.Length + 1];
            _lineEnd[s.Length] = s.Length;
            for (int i = s.Length - 1; i >= 0; i--) _lineEnd[i] = s[i] == '\n' ? i : _lineEnd[i + 1];
        }

        public string S { get; }
        public int Length => S.Length;
        public char this[int i] => S[i];

        /// <summary>Characters from i up to the next newline or the end.</summary>
        public int UpToNewline(int i) => i >= S.Length ? 0 : _lineEnd[i] - i;
    }

    private static readonly Rule[] Rules = BuildRules();

    public static DiskLexOutcome Run(string text, DiskParseState state)
    {
        var s = new LexInput(text);
        int i = 0;
        while (i < s.Length)
        {
            int bestTotal = 0, bestHead = 0;
            Rule? best = null;
            foreach (var rule in Rules)
            {
                var (total, head) = rule.Match(s, i);
                if (total > bestTotal)
                {
                    bestTotal = total;
                    bestHead = head;
                    best = rule;
                }
            }

            if (best == null)
            {
                // The catch-all rule takes one character (not a newline) and switches to the
                // error state, which reports the rest of the line as "bad disk syntax".
                if (s[i] == '\n') return DiskLexOutcome.Jammed; // unreachable: newline always matches a rule
                int rest = s.UpToNewline(i + 1);
                if (rest == 0 && i + 1 < s.Length) return DiskLexOutcome.Jammed;
                if (i + 1 >= s.Length) return DiskLexOutcome.Finished; // flex stops at end of input first
                state.Error(text.Substring(i, 1 + rest), "bad disk syntax");
                return DiskLexOutcome.Stopped;
            }

            var token = text.Substring(i, bestHead);
            i += bestHead;
            if (!best.Act(token, state)) return DiskLexOutcome.Stopped;
        }
        return DiskLexOutcome.Finished;
    }

    private static Rule[] BuildRules() =>
    [
        // Blanks before a parameter are skipped.
        new(MatchBlanks, (_, _) => true),
        Valued("format", (v, st) => SetFormat(st, v)),
        Flag("cdrom", st => st.IsCdrom = true),
        Flag("devtype=cdrom", st => st.IsCdrom = true),
        Flag("devtype=disk", st => st.IsCdrom = false),
        new(ValuedMatcher("devtype"), (t, st) => { st.Error(t, "unknown value for type"); return true; }),
        Valued("access", (v, st) => SetAccess(st, v)),
        Valued("backend", (v, st) => SaveString(st, "backend", () => st.BackendDomain, x => st.BackendDomain = x, v)),
        Valued("backendtype", (v, st) => SetBackendType(st, v)),
        Valued("specification", (v, st) => SetSpecification(st, v)),
        Valued("vdev", (v, st) => SaveString(st, "vdev", () => st.Vdev, x => st.Vdev = x, v)),
        Valued("script", (v, st) => SaveString(st, "script", () => st.Script, x => st.Script = x, v)),
        Flag("direct-io-safe", st => st.DirectIoSafe = true),
        Flag("discard", st => st.Discard = true),
        Flag("no-discard", st => st.Discard = false),
        Flag("colo", st => st.Colo = true),
        Flag("no-colo", st => st.Colo = false),
        Valued("colo-host", (v, st) => SaveString(st, "colo-host", () => st.ColoHost, x => st.ColoHost = x, v)),
        Valued("colo-port", (v, st) => SetColoPort(st, v)),
        Valued("colo-export", (v, st) => SaveString(st, "colo-export", () => st.ColoExport, x => st.ColoExport = x, v)),
        Valued("active-disk", (v, st) => SaveString(st, "active-disk", () => st.ActiveDisk, x => st.ActiveDisk = x, v)),
        Valued("hidden-disk", (v, st) => SaveString(st, "hidden-disk", () => st.HiddenDisk, x => st.HiddenDisk = x, v)),
        // target= takes the rest of the line, commas and colons included.
        new(MatchTarget, (t, st) =>
        {
            SaveString(st, "target", () => st.Target, x => st.Target = x, StripComma(t)["target=".Length..]);
            return true;
        }),
        new(MatchUnknownParameter, (t, st) => { st.Error(t, "unknown parameter"); return true; }),
        // Deprecated "prefix:" forms; their trailing context is the rest of the line.
        Prefix(["raw", "qcow", "qcow2", "vhd"], (p, st) =>
        {
            st.HadDeprecatedPrefix = true;
            SetFormat(st, p);
        }),
        Prefix(["iscsi", "nbd", "enbd", "drbd"], (p, st) =>
        {
            st.HadDeprecatedPrefix = true;
            SaveString(st, "script", () => st.Script, x => st.Script = x, "block-" + p);
        }),
        Prefix(["tapdisk"], (_, st) => st.HadDeprecatedPrefix = true),
        Prefix(["tap", "tap2"], (_, st) => st.HadDeprecatedPrefix = true),
        Prefix(["aio"], (_, st) => st.HadDeprecatedPrefix = true),
        Prefix(["ioemu"], (_, st) => st.HadDeprecatedPrefix = true),
        Prefix(["file"], (_, st) => st.HadDeprecatedPrefix = true),
        Prefix(["phy"], (_, st) => st.HadDeprecatedPrefix = true),
        new(MatchUnknownPrefix, (t, st) => { st.Error(t, "unknown deprecated disk prefix"); return false; }),
        new(MatchPositional, Positional),
    ];

    // ----- matchers -----

    private static (int, int) MatchBlanks(LexInput s, int i)
    {
        int run = 0;
        while (i + run < s.Length && s[i + run] is ' ' or '\t' or '\n') run++;
        if (run == 0) return (0, 0);
        int j = i + run;
        int trail = j < s.Length ? 1 + s.UpToNewline(j + 1) : 0;
        return (run + trail, run);
    }

    private static Func<LexInput, int, (int, int)> ValuedMatcher(string key)
    {
        var prefix = key + "=";
        return (s, i) =>
        {
            if (!StartsAt(s, i, prefix)) return (0, 0);
            int j = i + prefix.Length;
            while (j < s.Length && s[j] != ',') j++;
            if (j < s.Length) j++;
            return (j - i, j - i);
        };
    }

    private static Rule Valued(string key, Action<string, DiskParseState> set) =>
        new(ValuedMatcher(key), (t, st) =>
        {
            var stripped = StripComma(t);
            set(stripped[(stripped.IndexOf('=') + 1)..], st);
            return true;
        });

    private static Rule Flag(string word, Action<DiskParseState> set) =>
        new((s, i) =>
        {
            if (!StartsAt(s, i, word)) return (0, 0);
            int n = word.Length + (At(s, i + word.Length) == ',' ? 1 : 0);
            return (n, n);
        }, (_, st) => { set(st); return true; });

    private static (int, int) MatchTarget(LexInput s, int i)
    {
        if (!StartsAt(s, i, "target=")) return (0, 0);
        int n = "target=".Length + s.UpToNewline(i + "target=".Length);
        return (n, n);
    }

    private static (int, int) MatchUnknownParameter(LexInput s, int i)
    {
        if (!IsLower(At(s, i))) return (0, 0);
        int j = i + 1;
        while (j < s.Length && (IsLower(s[j]) || IsDigit(s[j]) || s[j] == '-')) j++;
        if (At(s, j) != '=' || j + 1 >= s.Length || s[j + 1] == ',') return (0, 0);
        j += 2;
        if (At(s, j) == ',') j++;
        return (j - i, j - i);
    }

    private static Rule Prefix(string[] words, Action<string, DiskParseState> act) =>
        new((s, i) =>
        {
            int best = 0;
            foreach (var w in words)
                if (StartsAt(s, i, w + ":") && w.Length + 1 > best) best = w.Length + 1;
            if (best == 0) return (0, 0);
            return (best + s.UpToNewline(i + best), best);
        }, (t, st) => { act(t[..^1], st); return true; });

    private static (int, int) MatchUnknownPrefix(LexInput s, int i)
    {
        if (!IsLower(At(s, i))) return (0, 0);
        int j = i + 1;
        while (j < s.Length && (IsLower(s[j]) || IsDigit(s[j]))) j++;
        if (At(s, j) != ':' || j >= s.Length) return (0, 0);
        int head = j + 1 - i;
        int k = j + 1;
        int trail = k < s.Length && !IsLower(s[k]) && !IsDigit(s[k]) ? 1 + s.UpToNewline(k + 1) : 0;
        return (head + trail, head);
    }

    private static (int, int) MatchPositional(LexInput s, int i)
    {
        int j = i;
        while (j < s.Length && s[j] != '=' && s[j] != ',') j++;
        if (j < s.Length && s[j] == ',') j++;
        return (j - i, j - i);
    }

    // ----- actions (the semantics of libxlutil's helpers) -----

    private static bool Positional(string text, DiskParseState st)
    {
        var t = StripComma(text);
        if (st.Failed)
        {
            // After an error, later positional parameters are ignored.
        }
        else if (st.Target == null)
        {
            SaveString(st, "target", () => st.Target, x => st.Target = x, t);
        }
        else if (!st.HadDeprecatedPrefix && st.Format == null)
        {
            if (st.Target.Length == 0 && VdevAndDevtype(st, t)) st.Format = DiskFormat.Empty;
            else SetFormat(st, t);
        }
        else if (st.Vdev == null)
        {
            if (!VdevAndDevtype(st, t)) SaveString(st, "vdev", () => st.Vdev, x => st.Vdev = x, t);
        }
        else if (!st.AccessSet)
        {
            st.AccessSet = true;
            SetAccess(st, t);
        }
        else
        {
            st.Error(t, "too many positional parameters");
            return false;
        }
        return true;
    }

    /// <summary>Handles the deprecated "vdev:devtype" positional form; false if no colon.</summary>
    private static bool VdevAndDevtype(DiskParseState st, string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon < 0) return false;
        SaveString(st, "vdev", () => st.Vdev, x => st.Vdev = x, text[..colon]);
        var type = text[(colon + 1)..];
        if (type == "cdrom") st.IsCdrom = true;
        else if (type == "disk") st.IsCdrom = false;
        else st.Error(type, "unknown deprecated type");
        return true;
    }

    private static void SaveString(DiskParseState st, string what, Func<string?> get, Action<string> set, string value)
    {
        var current = get();
        if (!string.IsNullOrEmpty(current))
        {
            st.Error(value, what + " respecified");
            return;
        }
        set(value); // an earlier empty value may be overwritten silently
    }

    private static void SetAccess(DiskParseState st, string v)
    {
        if (v is "r" or "ro") st.ReadWrite = false;
        else if (v is "rw" or "w" or "") st.ReadWrite = true;
        else st.Error(v, "unknown value for access");
    }

    private static void SetFormat(DiskParseState st, string v)
    {
        DiskFormat? f = v switch
        {
            "" or "raw" => DiskFormat.Raw,
            "qcow" => DiskFormat.Qcow,
            "qcow2" => DiskFormat.Qcow2,
            "vhd" => DiskFormat.Vhd,
            "empty" => DiskFormat.Empty,
            "qed" => DiskFormat.Qed,
            _ => null,
        };
        if (f == null) { st.Error(v, "unknown value for format"); return; }
        if (st.Format != null && st.Format != f) st.Error(v, "format respecified");
        else st.Format = f;
    }

    private static void SetBackendType(DiskParseState st, string v)
    {
        if (v is not ("phy" or "tap" or "qdisk" or "standalone")) { st.Error(v, "unknown value for backendtype"); return; }
        // The error names libxl's struct member, "backend".
        if (st.BackendType != null && st.BackendType != v) st.Error(v, "backend respecified");
        else st.BackendType = v;
    }

    private static void SetSpecification(DiskParseState st, string v)
    {
        if (v is not ("xen" or "virtio")) { st.Error(v, "unknown value for specification"); return; }
        if (st.Specification != null && st.Specification != v) st.Error(v, "specification respecified");
        else st.Specification = v;
    }

    private static void SetColoPort(DiskParseState st, string v)
    {
        int port = CNumber.AtoI(v);
        if (port != 0) st.ColoPort = port;
        else st.Error(v, "unknown value for colo_port");
    }

    // ----- character helpers -----

    private static string StripComma(string t) => t.Length > 0 && t[^1] == ',' ? t[..^1] : t;

    private static bool StartsAt(LexInput s, int i, string lit) =>
        i + lit.Length <= s.Length && string.CompareOrdinal(s.S, i, lit, 0, lit.Length) == 0;

    private static char At(LexInput s, int i) => i < s.Length ? s[i] : '\0';
    private static bool IsLower(char c) => c is >= 'a' and <= 'z';
    private static bool IsDigit(char c) => c is >= '0' and <= '9';
}
