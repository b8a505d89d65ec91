using Xeno.Config.Host;

namespace Xeno.Cli.Commands;

/// <summary>What every xl command gets: its output streams, the global options and the host.</summary>
public sealed class XlContext
{
    public required TextWriter Out { get; init; }
    public required TextWriter Err { get; init; }
    public required Hosting.XenoHost Host { get; init; }
    /// <summary>-N: dry run.</summary>
    public bool DryRun { get; init; }
    /// <summary>-v count.</summary>
    public int Verbosity { get; init; }
    /// <summary>-f: force.</summary>
    public bool Force { get; init; }
    /// <summary>xl.conf, read once before the command runs.</summary>
    public required GlobalConfig Global { get; init; }
}

/// <summary>One row of xl's command table.</summary>
public sealed record XlCommand(
    string Name,
    Func<XlContext, IReadOnlyList<string>, int> Run,
    bool Modifies,
    bool CanDryRun,
    string Description,
    string Usage,
    string? Options);
