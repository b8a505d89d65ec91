namespace Xeno.Config.Domain;

/// <summary>
/// The outcome of turning a parsed xl.cfg into a <see cref="DomainSpec"/>: the spec, or the
/// exit status xl would end with, plus every message xl would print to stderr on the way,
/// as raw text in order (each message carries its own line ending, as xl writes them).
/// </summary>
public sealed class DomainBuildResult
{
    private DomainBuildResult(DomainSpec? spec, int exitCode, IReadOnlyList<string> messages, IReadOnlyList<string> unusedKeys)
    {
        Spec = spec;
        ExitCode = exitCode;
        Messages = messages;
        UnusedKeys = unusedKeys;
    }

    public DomainSpec? Spec { get; }
    /// <summary>0 on success, else the status xl exits with (1, or 3 where xl uses -ERROR_FAIL).</summary>
    public int ExitCode { get; }
    public IReadOnlyList<string> Messages { get; }
    public bool Ok => Spec is not null;
    /// <summary>Keys of the file that xl ignores (unknown options), in file order; `xl -v` reports them.</summary>
    public IReadOnlyList<string> UnusedKeys { get; }

    public static DomainBuildResult Success(DomainSpec spec, IReadOnlyList<string> messages, IReadOnlyList<string> unusedKeys) =>
        new(spec, 0, messages, unusedKeys);
    public static DomainBuildResult Failure(int exitCode, IReadOnlyList<string> messages) => new(null, exitCode, messages, []);
}

/// <summary>Host facts and sources of randomness the builder needs; passed in so tests control them.</summary>
public sealed record DomainBuildContext(Host.GlobalConfig Global, Specs.HostCpuTopology HostCpus, Random Random);
