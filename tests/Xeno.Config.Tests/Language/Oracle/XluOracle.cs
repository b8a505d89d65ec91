using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Xeno.Config.Tests.Language.Oracle;

/// <summary>
/// Debian's libxlutil (Xen 4.17) driven through tools/xlu-oracle, built with gcc on first use.
/// Missing gcc or library makes the calling test fail with the reason.
/// </summary>
internal static class XluOracle
{
    private static readonly Lazy<string> Binary = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    private const string BuildScript = "tools/xlu-oracle/build.sh";

    /// <summary>
    /// The repository root: XENO_REPO_ROOT, else where this source file was compiled from, else the
    /// first directory above the working directory or the test binaries that holds the oracle.
    /// </summary>
    public static string RepoRoot([CallerFilePath] string thisFile = "")
    {
        var fromEnv = Environment.GetEnvironmentVariable("XENO_REPO_ROOT");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;

        var candidates = new List<string>();
        if (Path.IsPathRooted(thisFile)) // <root>/tests/Xeno.Config.Tests/Language/Oracle/XluOracle.cs
            candidates.Add(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "..")));
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                candidates.Add(dir.FullName);

        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, BuildScript)))
            ?? throw new InvalidOperationException($"cannot find {BuildScript}; set XENO_REPO_ROOT to the repository root");
    }

    private static string Build()
    {
        var script = Path.Combine(RepoRoot(), BuildScript);
        var dir = Directory.CreateTempSubdirectory("xeno-xlu-oracle-");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { dir.Delete(recursive: true); } catch (IOException) { } // best effort
        };
        var output = Path.Combine(dir.FullName, "xlu-oracle");
        var (exit, stdout, stderr) = Run("/bin/sh", [script, output], null);
        if (exit != 0)
            throw new InvalidOperationException(
                $"building the libxlutil oracle failed (needs gcc and Debian's libxenmisc4.17): exit {exit}\n{Encoding.UTF8.GetString(stdout)}{stderr}");
        return output;
    }

    /// <summary>Runs libxlutil on <paramref name="config"/> (UTF-8) and returns its raw output.</summary>
    public static OracleRun Run(string config, string sourceName, params string[] queries) =>
        Run(Encoding.UTF8.GetBytes(config), sourceName, queries);

    public static OracleRun Run(byte[] config, string sourceName, params string[] queries)
    {
        var file = Path.Combine(Path.GetDirectoryName(Binary.Value)!, $"in-{Environment.CurrentManagedThreadId}-{Guid.NewGuid():N}.cfg");
        File.WriteAllBytes(file, config);
        try
        {
            var args = new List<string> { sourceName, file };
            args.AddRange(queries);
            var (exit, stdout, stderr) = Run(Binary.Value, args, TimeSpan.FromSeconds(20));
            return new OracleRun(exit, Encoding.UTF8.GetString(stdout), stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static (int Exit, byte[] Stdout, string Stderr) Run(string program, IEnumerable<string> args, TimeSpan? timeout)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        var errTask = p.StandardError.ReadToEndAsync();
        using var ms = new MemoryStream();
        var outTask = p.StandardOutput.BaseStream.CopyToAsync(ms);
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            p.Kill();
            throw new TimeoutException($"{program} did not finish");
        }
        outTask.Wait();
        return (p.ExitCode, ms.ToArray(), errTask.Result);
    }
}

/// <summary>Raw result of one oracle run: exit status (134 = libxlutil aborted), stdout, stderr.</summary>
internal sealed record OracleRun(int Exit, string Stdout, string Stderr)
{
    public bool Crashed => Exit != 0;

    private string[] Lines => Stdout.Split('\n')[..^1];

    /// <summary>What libxlutil printed while parsing (before the "rc" line).</summary>
    public IReadOnlyList<string> Diagnostics => Lines.TakeWhile(l => !l.StartsWith("rc ", StringComparison.Ordinal)).ToList();

    public int ReturnCode => int.Parse(Lines.First(l => l.StartsWith("rc ", StringComparison.Ordinal))[3..]);

    /// <summary>The effective settings: the newest "set" line of each key, in order of first appearance.</summary>
    public IReadOnlyList<string> EffectiveSettings
    {
        get
        {
            var order = new List<string>();
            var latest = new Dictionary<string, string>();
            foreach (var l in Lines.SkipWhile(l => !l.StartsWith("rc ", StringComparison.Ordinal)).Skip(1))
            {
                if (!l.StartsWith("set ", StringComparison.Ordinal)) break;
                var key = l.Split(' ')[1];
                if (!latest.ContainsKey(key)) order.Add(key);
                latest[key] = l;
            }
            return order.Select(k => latest[k]).ToList();
        }
    }

    /// <summary>Everything printed for the queries (query, warning and result lines).</summary>
    public IReadOnlyList<string> QueryLines => Lines.SkipWhile(l => !l.StartsWith("query ", StringComparison.Ordinal)).ToList();
}
