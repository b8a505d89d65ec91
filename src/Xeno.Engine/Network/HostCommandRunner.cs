using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Xeno.Engine.Network;

/// <summary>A host command could not run, did not finish in time or failed; the message names the command and has its stderr.</summary>
internal sealed class HostCommandException(string message) : Exception(message);

/// <summary>What a finished host command returned.</summary>
internal sealed record HostCommandResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// The one way xenod runs host networking tools (ip, nft, sysctl, dnsmasq, ...): an argument
/// vector, never a shell string; optional stdin (an nft script, so one transaction); a deadline
/// after which the command and its children are killed; stderr kept for errors that name the
/// command. Asynchronous throughout: the engine's paths await it, no thread waits on a process.
/// </summary>
internal sealed class HostCommandRunner
{
    public static HostCommandRunner Instance { get; } = new();

    /// <summary>Where a bare program name is looked for (xenod may run with a short PATH).</summary>
    public static IReadOnlyList<string> SearchPath { get; } = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>How long one command may run. These tools answer in milliseconds; one that hangs is killed.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to read a finished command's output when a child it left behind (a daemon) holds the pipes.</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(2);

    /// <summary>Runs the command to its end, whatever its exit status. Throws <see cref="HostCommandException"/>
    /// when it is not installed, cannot start, or passes the deadline.</summary>
    public async Task<HostCommandResult> RunAsync(IReadOnlyList<string> command, string? stdin = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0 || command[0].Length == 0)
            throw new ArgumentException("a host command needs a program", nameof(command));
        var info = new ProcessStartInfo(Resolve(command[0]))
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in command.Skip(1))
            info.ArgumentList.Add(a);
        using var p = new Process { StartInfo = info };
        try
        {
            p.Start();
        }
        catch (Win32Exception e)
        {
            throw new HostCommandException($"{Text(command)}: cannot run {info.FileName}: {e.Message}");
        }
        var stdout = p.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = p.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(Deadline);
        try
        {
            await WriteInputAsync(p, stdin, deadline.Token).ConfigureAwait(false);
            await p.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { /* it ended meanwhile */ }
            await p.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancel.ThrowIfCancellationRequested();
            throw new HostCommandException(string.Create(CultureInfo.InvariantCulture,
                $"{Text(command)}: did not finish within {Deadline.TotalSeconds:0.###} s and was killed"));
        }
        var output = Task.WhenAll(stdout, stderr);
        await Task.WhenAny(output, Task.Delay(OutputGrace, CancellationToken.None)).ConfigureAwait(false);
        return new HostCommandResult(p.ExitCode, Finished(stdout), Finished(stderr));
    }

    /// <summary>Runs the command and returns its stdout; throws, with its stderr, unless it exits 0.</summary>
    public async Task<string> CheckAsync(IReadOnlyList<string> command, string? stdin = null, CancellationToken cancel = default)
    {
        var r = await RunAsync(command, stdin, cancel).ConfigureAwait(false);
        if (r.ExitCode != 0)
            throw new HostCommandException(Failed(command, r));
        return r.Stdout;
    }

    /// <summary>"&lt;command&gt; failed (exit N): &lt;its stderr&gt;".</summary>
    public static string Failed(IReadOnlyList<string> command, HostCommandResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var said = r.Stderr.Trim();
        return string.Create(CultureInfo.InvariantCulture, $"{Text(command)} failed (exit {r.ExitCode})") + (said.Length == 0 ? "" : ": " + said);
    }

    /// <summary>The command as one line, for logs and errors (never run through a shell).</summary>
    public static string Text(IReadOnlyList<string> command) => string.Join(' ', command);

    private static string Resolve(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
            return File.Exists(program) ? program : throw new HostCommandException($"{program} is not installed (no such file)");
        return SearchPath.Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
               ?? throw new HostCommandException($"{program} is not installed (looked in {string.Join(", ", SearchPath)})");
    }

    private static async Task WriteInputAsync(Process p, string? stdin, CancellationToken cancel)
    {
        try
        {
            if (stdin is not null)
                await p.StandardInput.WriteAsync(stdin.AsMemory(), cancel).ConfigureAwait(false);
            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited without reading all of its input: its exit status and stderr say why.
        }
    }

    /// <summary>The text of a stream that reached its end; empty when a child left running still holds the pipe.</summary>
    private static string Finished(Task<string> read) => read.IsCompletedSuccessfully ? read.Result : "";
}
