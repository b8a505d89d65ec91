using System.Diagnostics;
using Xeno.Engine.Domains;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Consoles;

/// <summary>
/// The real xl program's `xl console` on a real terminal (a pty): raw passthrough as Xen's
/// xenconsole (keys reach the guest as typed, no local echo, no escape sequences of our own),
/// ^] detaches at once, and the terminal's settings come back on every way out: detach, a
/// signal, the guest going away.
/// </summary>
public sealed class XlConsoleTerminalTests
{
    private static readonly string Xl = Path.Combine(AppContext.BaseDirectory, "xl");

    [Fact]
    public async Task XlConsoleIsRawPassthroughDetachesOnCtrlBracketAndRestoresTheTerminal()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var x = await Xenod.StartAsync();
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("tty")).Exit);
        await x.WaitForMarkerAsync("tty");
        var hub = x.Host!.Engine.Consoles.Find(1)!;

        // Typed keys reach the guest one by one (its shell echoes "echo par" before any Enter),
        // the pty does not echo them too, and ^] ends xl at once.
        using (var session = Attach(x, "detach"))
        {
            await Xenod.WaitForAsync(() => hub.ClientCount == 1, "xl to attach");
            session.Type("echo par");
            await Xenod.WaitForAsync(() => session.Output.Contains("echo par", StringComparison.Ordinal), "the guest to echo keys typed without Enter", 60);
            session.Type("t$((6*7))\r");
            await Xenod.WaitForAsync(() => session.Output.Contains("part42", StringComparison.Ordinal), "the guest's answer", 60);
            Assert.Single(Occurrences(session.Output, "echo part$((6*7))"));
            session.Type("\x1d");
            await Xenod.WaitForAsync(() => session.Output.Contains("XL-EXIT=0", StringComparison.Ordinal), "xl to detach on ^]", 30);
            Assert.DoesNotContain("\x1b[?1h", session.Output, StringComparison.Ordinal);
            AssertRestored(x, "detach");
        }

        // A signal ends xl with the terminal restored.
        foreach (var signal in new[] { "TERM", "HUP", "INT" })
        {
            using var session = Attach(x, signal);
            await Xenod.WaitForAsync(() => session.Output.Contains("XLPID=", StringComparison.Ordinal) && hub.ClientCount == 1, "xl to attach");
            session.Type("echo sig$((2+3))\r");
            await Xenod.WaitForAsync(() => session.Output.Contains("sig5", StringComparison.Ordinal), "the guest's answer", 60);
            var pid = session.Output.Split("XLPID=")[1].Split('\r', '\n')[0];
            using (var kill = Process.Start("kill", ["-" + signal, pid]))
                await kill.WaitForExitAsync(cancel);
            await Xenod.WaitForAsync(() => session.Output.Contains("XL-EXIT=", StringComparison.Ordinal), $"xl to end on SIG{signal}", 30);
            AssertRestored(x, signal);
        }

        // The guest goes away: xl ends, the terminal restored.
        using (var session = Attach(x, "destroy"))
        {
            await Xenod.WaitForAsync(() => hub.ClientCount == 1, "xl to attach");
            Assert.Equal(0, x.Xl("destroy", "tty").Exit);
            await Xenod.WaitForAsync(() => session.Output.Contains("XL-EXIT=0", StringComparison.Ordinal), "xl to end with the guest", 30);
            AssertRestored(x, "destroy");
        }
    }

    /// <summary>
    /// `xl console tty` on a new pty, between two `stty -a` snapshots; xl's pid and exit status are
    /// printed. xl starts with SIGHUP's default action, as from a login shell: a test run started
    /// under nohup passes SIGHUP on ignored, and .NET then keeps it ignored after xl's handler ran.
    /// </summary>
    private static PtySession Attach(Xenod x, string name) =>
        PtySession.Start(
            $"stty -a > '{x.Root}/{name}.before'; sh -c 'echo XLPID=$$; exec env --default-signal=HUP \"$0\" console tty' '{Xl}'; " +
            $"echo XL-EXIT=$?; stty -a > '{x.Root}/{name}.after'",
            new Dictionary<string, string> { ["XENO_PREFIX"] = x.Prefix });

    private static void AssertRestored(Xenod x, string name)
    {
        var after = Path.Combine(x.Root, name + ".after");
        SpinWait.SpinUntil(() => File.Exists(after) && File.ReadAllText(after).Length > 0, TimeSpan.FromSeconds(10));
        var before = File.ReadAllText(Path.Combine(x.Root, name + ".before"));
        Assert.Contains(" icanon ", before, StringComparison.Ordinal); // a cooked terminal to begin with
        Assert.Equal(before, File.ReadAllText(after));
    }

    private static IEnumerable<int> Occurrences(string text, string part)
    {
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
            yield return at;
    }
}
