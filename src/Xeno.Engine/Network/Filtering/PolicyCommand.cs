using System.Diagnostics;

namespace Xeno.Engine.Network.Filtering;

/// <summary>
/// Runs one host tool (nft, ip, dnsmasq) as an argument vector, never through a shell, with
/// optional stdin, and fails with the tool's own stderr. Short-lived tools only: a tool that
/// does not finish within the timeout is killed and reported.
/// </summary>
internal static class PolicyCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string tool, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin != null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeout ?? DefaultTimeout))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit();
            throw new NetworkPolicyException($"{tool} {string.Join(' ', psi.ArgumentList)} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:0} s");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs the tool and throws, with its stderr, unless it exits 0.</summary>
    public static string Check(string tool, IEnumerable<string> args, string? stdin = null)
    {
        var list = args.ToList();
        var r = Run(tool, list, stdin);
        if (r.ExitCode != 0)
            throw new NetworkPolicyException($"{tool} {string.Join(' ', list)} failed (exit {r.ExitCode}): {r.Stderr.Trim()}");
        return r.Stdout;
    }
}

/// <summary>A host networking step failed; the message names the tool and its error.</summary>
public sealed class NetworkPolicyException(string message) : Exception(message);
