using System.Diagnostics;
using Xeno.Cli.Interop;

namespace Xeno.Cli.Tests.Interop;

/// <summary>termios interop on a real pseudo-terminal: raw mode as cfmakeraw sets it, and the exact settings back.</summary>
public sealed class TerminalModeTests
{
    private static string Stty(string device)
    {
        var info = new ProcessStartInfo("stty") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-a", "-F", device })
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return text;
    }

    [Fact]
    public void RawModeTurnsOffLineEditingEchoAndSignalsAndDisposeRestoresEverySetting()
    {
        using var pty = PtyPair.Open();
        Assert.True(TerminalMode.IsTerminal(pty.SlaveFd));
        var before = Stty(pty.SlavePath);
        Assert.Contains(" icanon ", before, StringComparison.Ordinal);
        using (var raw = TerminalMode.Raw(pty.SlaveFd))
        {
            Assert.NotNull(raw);
            var inRaw = Stty(pty.SlavePath);
            foreach (var flag in new[] { "-icanon", "-echo", "-isig", "-icrnl", "-opost", "-ixon" })
                Assert.Contains($" {flag} ", " " + inRaw.Replace('\n', ' '), StringComparison.Ordinal);
            raw.Restore();
            Assert.Equal(before, Stty(pty.SlavePath));
            raw.Restore(); // once only: a later change by someone else stays
        }
        Assert.Equal(before, Stty(pty.SlavePath));
    }

    [Fact]
    public void AFileIsNotATerminalAndGetsNoRawMode()
    {
        var path = Path.GetTempFileName();
        try
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
            int fd = (int)file.DangerousGetHandle();
            Assert.False(TerminalMode.IsTerminal(fd));
            Assert.Null(TerminalMode.Raw(fd));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
