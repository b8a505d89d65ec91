namespace Xeno.Panel;

/// <summary>
/// Reads <see cref="PanelOptions"/>: section "Panel" of &lt;prefix&gt;/etc/xeno/panel.json (when
/// there), the environment (XENO_PANEL_ prefix, e.g. XENO_PANEL_Panel__Database) and the
/// command line (--Panel:Key=value; --prefix P is short for --Panel:Prefix=P).
/// </summary>
public static class PanelConfiguration
{
    public static PanelOptions Read(string[] args)
    {
        var cli = new ConfigurationBuilder().AddCommandLine(WebArgs(args)).Build();
        var prefix = cli["Panel:Prefix"] ?? Environment.GetEnvironmentVariable("XENO_PREFIX") ?? "/";
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Panel:Prefix", prefix)])
            .AddJsonFile(Path.Combine(prefix, "etc/xeno/panel.json"), optional: true)
            .AddEnvironmentVariables("XENO_PANEL_")
            .AddCommandLine(WebArgs(args))
            .Build();
        return config.GetSection("Panel").Get<PanelOptions>() ?? new PanelOptions { Prefix = prefix };
    }

    /// <summary>The arguments in configuration form: --prefix P becomes --Panel:Prefix=P; positional ones are left out.</summary>
    public static string[] WebArgs(string[] args)
    {
        var list = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--prefix" && i + 1 < args.Length)
                list.Add("--Panel:Prefix=" + args[++i]);
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                list.Add(args[i]);
                if (!args[i].Contains('=') && i + 1 < args.Length)
                    list.Add(args[++i]);
            }
        }
        return list.ToArray();
    }

    public static IReadOnlyList<string> Positional(string[] args)
    {
        var list = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (!args[i].Contains('=') && i + 1 < args.Length)
                    i++;
            }
            else
                list.Add(args[i]);
        }
        return list;
    }
}
