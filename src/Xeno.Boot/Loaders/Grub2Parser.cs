namespace Xeno.Boot.Loaders;

/// <summary>
/// grub2 grub.cfg, read the way pygrub reads it (menuentry blocks, submenus flattened,
/// functions skipped, unknown commands only warned about), with the choices pygrub gets
/// wrong done right: a default given as a title, an id or a "a>b" submenu path; saved_entry
/// and next_entry from grubenv; if/else around "set default" followed when decidable;
/// linuxefi/initrdefi; BLS entries where the config says "blscfg".
/// </summary>
public static class Grub2Parser
{
    private static readonly HashSet<string> IgnoredGlobals = ["terminal", "insmod", "load_env", "save_env", "search", "if", "fi"];
    private static readonly HashSet<string> IgnoredInEntry = ["echo", "insmod", "search"];

    // grub's own variables that are simply empty unless grubenv or the config sets them.
    private static readonly HashSet<string> EmptyUnlessSet = ["next_entry", "saved_entry", "prev_saved_entry", "boot_once", "default"];

    private const int MaxSubmenuDepth = 64;

    /// <param name="text">The grub.cfg text.</param>
    /// <param name="configPath">Its path in the guest.</param>
    /// <param name="readGuestFile">Reads a small guest file as text (grubenv), null when absent.</param>
    /// <param name="blsEntries">Loads BLS entries for a "blscfg" command; null when there are none to load.</param>
    public static BootMenu Parse(string text, string configPath, Func<string, string?>? readGuestFile = null,
        Func<IReadOnlyDictionary<string, string>, IReadOnlyList<BootEntry>>? blsEntries = null)
    {
        var state = new State(configPath, readGuestFile);

        foreach (var line in ConfigLines.Meaningful(Grub2Lexer.Normalize(text)))
            state.Feed(line, blsEntries);

        if (state.Image is not null)
            throw new BootException($"{configPath}: syntax error: end of file with open menuentry");

        long defaultIndex = state.ResolveDefault();
        return new BootMenu(ConfigKind.Grub2, configPath, state.Entries, defaultIndex, null, state.Timeout, state.Diagnostics);
    }

    private sealed class State(string configPath, Func<string, string?>? readGuestFile)
    {
        public readonly string BaseDir = ConfigLines.DirectoryOf(configPath);
        public readonly List<BootDiagnostic> Diagnostics = [];
        public readonly List<BootEntry> Entries = [];
        public readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal);
        public string Timeout = "-1";
        public List<string>? Image;

        private readonly Grub2Conditions _conditions = new();
        private readonly List<(string Title, string? Id)> _submenus = [];
        private readonly List<int> _positions = [0];
        private bool _inFunction;
        private string _title = "";
        private string? _grubTitle;
        private string? _id;
        private IReadOnlyList<int> _entryPosition = [];

        // Each "set default=" whose value is not a plain number: where pygrub's warning would go.
        private readonly List<(int DiagnosticIndex, string Value)> _pendingDefaults = [];
        private string _default = "0";

        public void Feed(string line, Func<IReadOnlyDictionary<string, string>, IReadOnlyList<BootEntry>>? blsEntries)
        {
            if (line.StartsWith("function", StringComparison.Ordinal)) { _inFunction = true; return; }
            if (_inFunction)
            {
                if (line.StartsWith('}')) _inFunction = false;
                return;
            }

            var title = Grub2Script.MenuEntryTitle(line);
            if (title is not null)
            {
                if (Image is not null)
                    throw new BootException($"{configPath}: syntax error: cannot nest menuentry");
                Image = [];
                _title = title;
                _grubTitle = GrubTitleOf(line);
                _id = Grub2Script.EntryId(line);
                _entryPosition = [.. _positions];
                _positions[^1]++;
                return;
            }

            if (line.StartsWith("submenu", StringComparison.Ordinal))
            {
                if (_submenus.Count >= MaxSubmenuDepth)
                    throw new BootException($"{configPath}: submenus nested more than {MaxSubmenuDepth} deep");
                _submenus.Add((Grub2Script.SubmenuTitle(line), Grub2Script.EntryId(line)));
                _positions.Add(0);
                return;
            }

            if (line.StartsWith('}'))
            {
                if (Image is null)
                {
                    if (_submenus.Count == 0)
                        throw new BootException($"{configPath}: syntax error: closing brace without menuentry");
                    _submenus.RemoveAt(_submenus.Count - 1);
                    _positions.RemoveAt(_positions.Count - 1);
                    _positions[^1]++;
                    return;
                }
                Entries.Add(BuildEntry());
                Image = null;
                return;
            }

            if (Image is not null) { Image.Add(line); return; }

            FeedGlobal(line, blsEntries);
        }

        private void FeedGlobal(string line, Func<IReadOnlyDictionary<string, string>, IReadOnlyList<BootEntry>>? blsEntries)
        {
            _conditions.Observe(line, Expand);
            var (command, argument) = GrubWords.CommandAndArgument(line);

            // GRUB's "name=value" without "set" assigns too; pygrub calls it an unknown directive, and so do we.
            bool bare = command != "set" && Grub2Script.IsBareAssignment(line, command);
            if (command == "set" || bare)
            {
                var set = bare ? Grub2Script.SetArguments(line) : Grub2Script.SetArguments(argument);
                if (set is null) return;
                var (name, value) = set.Value;
                value = PyText.Strip(value);
                bool active = _conditions.Active;
                switch (name)
                {
                    case "default": SetDefault(value, active); break;
                    case "timeout": Timeout = value; break;
                }
                if (active)
                {
                    var expanded = Expand(value);
                    if (expanded is not null) Variables[name] = expanded; else Variables.Remove(name);
                }
                if (!bare) return;
            }

            // GRUB knows grubenv's variables only from load_env on, as the script runs (saved_entry
            // used before it, or without it, is empty); Debian and Fedora configs load it first.
            if (command == "load_env" && _conditions.Active) LoadEnvironment(argument);

            if (command == "blscfg" && blsEntries is not null)
            {
                var bls = blsEntries(Variables);
                foreach (var entry in bls)
                {
                    Entries.Add(entry with { MenuPosition = [.. _positions] });
                    _positions[^1]++;
                }
                Diagnostics.Add(new(DiagnosticLevel.Info, $"Loaded {bls.Count} BLS entries for blscfg"));
                return;
            }

            if (IgnoredGlobals.Contains(command))
                Diagnostics.Add(new(DiagnosticLevel.Info, $"Ignored directive {command}"));
            else if (command != "unset")
                Diagnostics.Add(new(DiagnosticLevel.Warning, $"Unknown directive {command}"));
            else if (_conditions.Active)
                foreach (var name in PyText.SplitWhitespace(argument)) Variables.Remove(name);
        }

        /// <summary>load_env [-f FILE] [NAME...]: the grubenv beside the config ($prefix's, or config_directory's), or FILE.</summary>
        private void LoadEnvironment(string argument)
        {
            if (readGuestFile is null) return;
            var words = Grub2Script.SplitWords(argument);
            string path = ConfigLines.Resolve(BaseDir, "grubenv");
            var only = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < words.Count; i++)
            {
                var w = words[i];
                string? file = w is "-f" or "--file" && i + 1 < words.Count ? words[++i]
                    : w.StartsWith("--file=", StringComparison.Ordinal) ? w[7..] : null;
                if (file is not null)
                {
                    // ${config_directory} and $prefix are the config's folder here; another file is taken as named.
                    var named = GrubDevice.PathOf(file.Replace("${config_directory}", BaseDir).Replace("$config_directory", BaseDir)
                        .Replace("${prefix}", BaseDir).Replace("$prefix", BaseDir));
                    if (!named.Contains('$')) path = named;
                }
                else if (!w.StartsWith('-')) only.Add(w);
            }
            var env = readGuestFile(path);
            if (env is null) return;
            foreach (var (k, v) in GrubEnvironment.Parse(env))
                if (only.Count == 0 || only.Contains(k)) Variables[k] = v;
        }

        private void SetDefault(string value, bool active)
        {
            if (value is "${saved_entry}" or "${next_entry}")
            {
                // pygrub cannot read grubenv and boots entry 0; we use the value when grubenv has one.
                var saved = Variables.GetValueOrDefault(value[2..^1], "");
                if (!active || saved.Length == 0)
                {
                    Diagnostics.Add(new(DiagnosticLevel.Warning, "grub2's saved_entry/next_entry not supported"));
                    if (active) _default = "0";
                    return;
                }
                value = saved;
            }
            if (value != "saved" && !PyText.TryParseInt(value, out _))
                _pendingDefaults.Add((Diagnostics.Count, value));
            if (active) _default = value;
        }

        /// <summary>The title GRUB sees: the word after "menuentry" with quotes and escapes undone (variables left alone).</summary>
        private static string? GrubTitleOf(string line)
        {
            var words = Grub2Arguments.Words(line, _ => null);
            return words.Count > 1 ? words[1] : null;
        }

        private string? Expand(string word) => Grub2Script.Expand(word, Variables, EmptyUnlessSet);

        public long ResolveDefault()
        {
            long? chosen = Grub2DefaultResolver.Resolve(_default, Entries);
            // pygrub warns for every non-numeric default it meets; we stay silent for those we can resolve.
            for (int i = _pendingDefaults.Count - 1; i >= 0; i--)
            {
                var (index, value) = _pendingDefaults[i];
                if (Grub2DefaultResolver.Resolve(value, Entries) is null)
                    Diagnostics.Insert(index, new(DiagnosticLevel.Warning, $"Invalid value {value}, setting default to 0"));
            }
            return chosen ?? 0;
        }

        private BootEntry BuildEntry()
        {
            string? root = null, kernel = null, args = null, initrd = null;
            // Variables the entry sets itself, seen by its later commands (GRUB runs the body at boot).
            var locals = new Dictionary<string, string>(StringComparer.Ordinal);
            string? Lookup(string name) => locals.TryGetValue(name, out var v) ? v : Variables.GetValueOrDefault(name);
            foreach (var line in Image!)
            {
                var (command, argument) = GrubWords.CommandAndArgument(line);
                bool bare = command != "set" && Grub2Script.IsBareAssignment(line, command);
                if (command == "set" || bare)
                {
                    var set = Grub2Script.SetArguments(bare ? line : argument);
                    if (set is { Name: "root" }) root = GrubDevice.Describe(PyText.Strip(set.Value.Value));
                    if (set is { } local) locals[local.Name] = string.Join(' ', Grub2Arguments.Words(local.Value, Lookup));
                    if (!bare) continue;
                }
                var value = PyText.Strip(argument);
                switch (command)
                {
                    case "linux" or "linux16" or "linuxefi" when Grub2Arguments.NeedsGrubReading(value):
                    {
                        // Quotes, escapes or variables: what GRUB gives the kernel, not the text (pygrub passes the text).
                        var words = Grub2Arguments.Words(value, Lookup);
                        kernel = words.Count > 0 ? GrubDevice.PathOf(words[0]) : "";
                        args = words.Count > 1 ? Grub2Arguments.LoaderCommandLine(words.Skip(1)) : null;
                        break;
                    }
                    case "linux" or "linux16" or "linuxefi":
                        (kernel, args) = KernelLine.Split(value);
                        break;
                    case "initrd" or "initrd16" or "initrdefi":
                        initrd = GrubDevice.PathOf(value);
                        break;
                    default:
                        if (IgnoredInEntry.Contains(command))
                            Diagnostics.Add(new(DiagnosticLevel.Info, $"Ignored image directive {command}"));
                        else
                            Diagnostics.Add(new(DiagnosticLevel.Warning, $"Unknown image directive {command}"));
                        break;
                }
            }
            var submenuTitles = new string[_submenus.Count];
            var submenuIds = new string?[_submenus.Count];
            for (int i = 0; i < _submenus.Count; i++)
                (submenuTitles[i], submenuIds[i]) = _submenus[i];
            return new BootEntry(PyText.Strip(_title), root, kernel, args, initrd)
            {
                SubmenuTitles = submenuTitles,
                SubmenuIds = submenuIds,
                MenuPosition = _entryPosition,
                Id = _id,
                GrubTitle = _grubTitle == PyText.Strip(_title) ? null : _grubTitle,
                BaseDirectory = BaseDir,
            };
        }
    }
}
