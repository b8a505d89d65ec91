using System.Diagnostics;
using System.Text;
using Xeno.Engine.Domains;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Consoles;

/// <summary>
/// Megabytes of guest console output on a loaded host: every client that reads gets every
/// byte in order, a client that never reads is dropped, and the guest still answers input.
/// </summary>
public sealed class ConsoleStressTests
{
    // 1 … Last as the guest's tty prints them (ONLCR): about 2.2 MiB.
    private const int Last = 300_000;
    // The first lines come one write each (seq on the tty), the rest in pipe-sized writes.
    private const int LineByLine = 20_000;

    [Fact]
    public async Task EveryReadingClientGetsEveryByteOfMegabytesOfOutputOnALoadedHost()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var x = await Xenod.StartAsync(new EngineOptions { AgentTimeout = TimeSpan.FromMilliseconds(500) });
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("flood")).Exit);
        await x.WaitForMarkerAsync("flood");
        var socket = Path.Combine(x.Prefix, "run/xeno/d1/console");

        using var a = await ConsoleReader.AttachAsync(socket);
        using var b = await ConsoleReader.AttachAsync(socket);
        using var c = await ConsoleReader.AttachAsync(socket);
        using var stalled = await ConsoleReader.AttachAsync(socket, read: false);
        await Task.Delay(300, cancel);
        // Kernel messages would interleave with the numbers; which interrupts the console uses goes to the test's output.
        await a.TypeAsync("dmesg -n 1; grep -i virtio /proc/interrupts; echo IRQS-$((3*3))\n");
        await Xenod.WaitForAsync(() => a.TailContains("IRQS-9"), "the guest's interrupt list", 120);
        TestContext.Current.TestOutputHelper?.WriteLine(Encoding.ASCII.GetString(a.Bytes));
        using (var load = HostLoad.Start(processes: 2, TimeSpan.FromMinutes(10)))
        {
            await a.TypeAsync($"echo BEGIN-$((1+1)); seq 1 {LineByLine}; seq {LineByLine + 1} {Last} | cat; echo END-$((2+2))\n");
            var clock = Stopwatch.StartNew();
            while (!(a.TailContains("END-4") && b.TailContains("END-4") && c.TailContains("END-4")))
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(10))
                    Assert.Fail($"no end marker on every reading client after {clock.Elapsed.TotalSeconds:0} s: {Progress(x, a, b, c)}");
                await Task.Delay(500, cancel);
            }
            TestContext.Current.TestOutputHelper?.WriteLine($"flood done in {clock.Elapsed.TotalSeconds:0} s: {Progress(x, a, b, c)}");
        }

        var expected = Expected();
        foreach (var (name, reader) in new[] { ("a", a), ("b", b), ("c", c) })
            AssertSequence(name, reader.Bytes, expected);
        Assert.True(await stalled.DrainsToEndAsync(TimeSpan.FromSeconds(30)), "the stalled client was not dropped");
        Assert.Contains("console client 4 dropped: more than 262144 bytes behind", x.Xl("dmesg").Out, StringComparison.Ordinal);
        Assert.False(a.Ended || b.Ended || c.Ended, "a client that kept reading was dropped");

        // The log lost nothing either, across its rotations (1 MiB each, 10 kept).
        var log = string.Concat(Enumerable.Range(1, 10).Reverse().Select(g => Path.Combine(x.ConsoleLogDir, $"flood.log.{g}"))
            .Where(File.Exists).Select(File.ReadAllText)) + x.ConsoleLog("flood");
        Assert.Contains("console log rotated", x.Xl("dmesg").Out, StringComparison.Ordinal);
        Assert.True(Encoding.Latin1.GetString(WithoutKernelMessages(Encoding.Latin1.GetBytes(log))).Contains(Encoding.ASCII.GetString(expected), StringComparison.Ordinal),
            "the rotated logs and the live one miss some of the output");

        // Input still reaches the guest, from any client.
        await b.TypeAsync("echo alive$((7*7))\n");
        await Xenod.WaitForAsync(() => a.TailContains("alive49") && c.TailContains("alive49"), "the guest to answer after the flood", 120);
        await b.TypeAsync("grep -i virtio /proc/interrupts\n");
        await Task.Delay(3000, cancel);
        TestContext.Current.TestOutputHelper?.WriteLine(Encoding.ASCII.GetString(a.Bytes[^2000..]));
    }

    /// <summary>How far each client got, and how much of the output QEMU's socket carried (the rest it dropped).</summary>
    private static string Progress(Xenod x, params ConsoleReader[] readers)
    {
        var hub = x.Host!.Engine.Consoles.Find(1);
        var clients = string.Join("; ", readers.Select((r, i) =>
        {
            var bytes = r.Bytes;
            return $"client {(char)('a' + i)}: {bytes.Length} bytes, ending \"{Escape(bytes.AsSpan(Math.Max(0, bytes.Length - 24)))}\"";
        }));
        return $"{clients}; hub: {hub?.Ring.TotalWritten} bytes from the log, {hub?.SocketBytes} of them also came on QEMU's socket";
    }

    private static byte[] Expected()
    {
        var text = new StringBuilder("BEGIN-2\r\n");
        for (int i = 1; i <= Last; i++)
            text.Append(i).Append("\r\n");
        return Encoding.ASCII.GetBytes(text.Append("END-4").ToString());
    }

    /// <summary>The client's bytes hold <paramref name="expected"/> whole; otherwise names the first difference.</summary>
    private static void AssertSequence(string name, byte[] seen, byte[] expected)
    {
        seen = WithoutKernelMessages(seen);
        var begin = "BEGIN-2\r\n"u8;
        int start = seen.AsSpan().IndexOf(begin);
        Assert.True(start >= 0, $"client {name} never saw BEGIN-2 ({seen.Length} bytes)");
        var got = seen.AsSpan(start);
        int same = 0;
        while (same < Math.Min(got.Length, expected.Length) && got[same] == expected[same])
            same++;
        Assert.True(same == expected.Length,
            $"client {name} differs from the guest's output at byte {same} of {expected.Length}: " +
            $"expected \"{Escape(expected.AsSpan(Math.Max(0, same - 16), Math.Min(48, expected.Length - Math.Max(0, same - 16))))}\", " +
            $"got \"{Escape(got[Math.Max(0, same - 16)..Math.Min(got.Length, same + 32)])}\"");
    }

    /// <summary>
    /// The guest's bytes without kernel messages, which the kernel prints on the console between
    /// (or inside) the shell's lines whatever `dmesg -n 1` says when they are urgent enough.
    /// </summary>
    private static byte[] WithoutKernelMessages(byte[] seen) =>
        Encoding.Latin1.GetBytes(System.Text.RegularExpressions.Regex.Replace(Encoding.Latin1.GetString(seen), @"\[ *\d+\.\d{6}\] [^\r\n]*\r\n", ""));

    private static string Escape(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Busy shells that load the host's CPUs while the guest prints, stopped on dispose (and by timeout at worst).</summary>
    private sealed class HostLoad : IDisposable
    {
        private readonly List<Process> _burners;

        private HostLoad(List<Process> burners) => _burners = burners;

        public static HostLoad Start(int processes, TimeSpan atMost)
        {
            var burners = new List<Process>();
            for (int i = 0; i < processes; i++)
            {
                var info = new ProcessStartInfo("timeout") { UseShellExecute = false };
                foreach (var arg in new[] { ((int)atMost.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "sh", "-c", "while :; do :; done" })
                    info.ArgumentList.Add(arg);
                burners.Add(Process.Start(info) ?? throw new InvalidOperationException("cannot start a CPU burner"));
            }
            return new HostLoad(burners);
        }

        public void Dispose()
        {
            foreach (var p in _burners)
            {
                if (!p.HasExited)
                    p.Kill(entireProcessTree: true);
                p.WaitForExit();
                p.Dispose();
            }
        }
    }
}
