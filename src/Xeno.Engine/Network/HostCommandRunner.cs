using System.Diagnostics;

namespace Xeno.Engine.Network;

/// <summary>A host networking command failed; the message has the command and what it printed.</summary>
internal sealed class HostCommandException(string message) : Exception(message);

/// <summary>Runs host networking commands as argument vectors (never through a shell).</summary>
internal interface IHostCommands
{
    void Run(IReadOnlyList<string> command);
}

/// <summary>
/// The real runner. Only the host tools Xeno's network actions use may run: an undo list read
/// back from a runtime record is checked against them before anything runs.
/// </summary>
internal sealed class HostCommandRunner : IHostCommands
{
    public static HostCommandRunner Instance { get; } = new();

    private static readonly string[] Allowed = ["ip", "sysctl", "nft", "tc", "iptables", "ip6tables", "bridge"];
    private static readonly string[] SearchPath = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static void CheckAllowed(IReadOnlyList<string> command)
    {
        if (command.Count == 0 || !Allowed.Contains(command[0], StringComparer.Ordinal))
            throw new InvalidDataException($"network command \"{string.Join(' ', command)}\" is not one of {string.Join(", ", Allowed)}");
    }

    public void Run(IReadOnlyList<string> command)
    {
        CheckAllowed(command);
        var program = SearchPath.Select(d => Path.Combine(d, command[0])).FirstOrDefault(File.Exists)
                      ?? throw new HostCommandException($"{command[0]} is not installed (looked in {string.Join(", ", SearchPath)})");
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in command.Skip(1))
            info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new HostCommandException($"cannot run {program}");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Deadline))
        {
            p.Kill(entireProcessTree: true);
            throw new HostCommandException($"{string.Join(' ', command)}: no answer within {Deadline.TotalSeconds} s");
        }
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new HostCommandException($"{string.Join(' ', command)} failed ({p.ExitCode}): {stderr.Result.Trim()}");
        _ = stdout.Result;
    }
}
