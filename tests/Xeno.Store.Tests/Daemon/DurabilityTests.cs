using System.Diagnostics;
using System.Net.Sockets;
using Xeno.Store.Tests.Support;
using Xeno.Store.Wire;

namespace Xeno.Store.Tests.Daemon;

/// <summary>The real `xenod xenstored` as a child process, killed with SIGKILL and restarted.</summary>
public class DurabilityTests
{
    private static string XenodDll()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "xenod.dll");
        Assert.True(File.Exists(path), $"xenod.dll not found next to the tests at {path}");
        return path;
    }

    private sealed class Daemon : IDisposable
    {
        private readonly Process _process;

        public Daemon(string socket, string prefix)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { XenodDll(), "xenstored", "--socket", socket, "--prefix", prefix }) psi.ArgumentList.Add(a);
            _process = Process.Start(psi)!;
            var line = _process.StandardOutput.ReadLine();
            if (line != $"xenstored listening on {socket}")
                Assert.Fail($"unexpected start-up line '{line}': {_process.StandardError.ReadToEnd()}");
        }

        public void KillHard()
        {
            // SIGKILL: no chance to flush or clean up anything.
            _process.Kill();
            _process.WaitForExit();
        }

        public int Terminate()
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) kill.WaitForExit();
            Assert.True(_process.WaitForExit(20_000), "xenod exits on SIGTERM");
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
        }
    }

    [Fact]
    public void AcknowledgedWritesSurviveKillMinus9()
    {
        using var dir = new TempDir();
        var socket = dir["sock"];
        var expected = new Dictionary<string, string>();
        using (var daemon = new Daemon(socket, dir.Path))
        {
            using var c = new XsClient(socket);
            for (var i = 0; i < 300; i++)
            {
                var path = $"/dur/n{i % 50}/v{i}";
                Assert.Equal("OK", c.Write(path, "value-" + i));
                expected[path] = "value-" + i;
            }
            Assert.Equal("OK", XsClient.Text(c.Request(XsMessageType.Rm, 0, "/dur/n3")));
            foreach (var k in expected.Keys.Where(k => k.StartsWith("/dur/n3/", StringComparison.Ordinal)).ToList()) expected.Remove(k);
            var tx = uint.Parse(XsClient.Text(c.Request(XsMessageType.TransactionStart, 0, "")));
            c.RequestRaw(XsMessageType.Write, tx, "/dur/tx\0committed"u8.ToArray());
            Assert.Equal("OK", XsClient.Text(c.Request(XsMessageType.TransactionEnd, tx, "T")));
            expected["/dur/tx"] = "committed";
            Assert.Equal("OK", XsClient.Text(c.Request(XsMessageType.SetPerms, 0, "/dur/tx", "n0", "r4")));
            Assert.Equal("OK", XsClient.Text(c.Request(XsMessageType.Introduce, 0, "4", "0", "0")));
            daemon.KillHard();
        }

        using (var daemon = new Daemon(socket, dir.Path))
        {
            using var c = new XsClient(socket);
            foreach (var (path, value) in expected) Assert.Equal(value, c.Read(path));
            Assert.Equal("!ENOENT", c.Read("/dur/n3"));
            Assert.Equal("n0\0r4", XsClient.Text(c.Request(XsMessageType.GetPerms, 0, "/dur/tx")));
            Assert.Equal("T", XsClient.Text(c.Request(XsMessageType.IsDomainIntroduced, 0, "4")));
            // The introduced domain gets its socket back after the restart.
            using var guest = new XsClient(Path.Combine(dir.Path, "run", "xeno", "xenstore", "domain-4.sock"));
            Assert.Equal("committed", guest.Read("/dur/tx"));
            Assert.Equal(0, daemon.Terminate());
        }
    }

    [Fact]
    public async Task KillDuringAStreamOfWritesLosesNothingAcknowledged()
    {
        using var dir = new TempDir();
        var socket = dir["sock"];
        var acknowledged = 0;
        using (var daemon = new Daemon(socket, dir.Path))
        {
            using var c = new XsClient(socket);
            var writer = Task.Run(() =>
            {
                try
                {
                    for (var i = 0; ; i++)
                    {
                        if (c.Write("/stream/last", i.ToString()) != "OK") break;
                        acknowledged = i;
                    }
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                }
            }, TestContext.Current.CancellationToken);
            await Task.Delay(1500, TestContext.Current.CancellationToken);
            daemon.KillHard();
            await writer.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }
        Assert.True(acknowledged > 10, $"only {acknowledged} writes were acknowledged before the kill");
        using (new Daemon(socket, dir.Path))
        {
            using var c = new XsClient(socket);
            var last = int.Parse(c.Read("/stream/last"));
            // The last value on disk is the last acknowledged one or the one in flight after it.
            Assert.InRange(last, acknowledged, acknowledged + 1);
        }
    }
}
