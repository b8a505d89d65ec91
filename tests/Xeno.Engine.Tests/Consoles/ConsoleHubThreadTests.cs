using Xeno.Engine.Consoles;

namespace Xeno.Engine.Tests.Consoles;

/// <summary>
/// 100 guests mean 100 console hubs in one xenod: a hub must not hold a thread of its own
/// (it did, and xenod had one thread per guest; BENCHMARKS.md's many-guest run).
/// </summary>
public sealed class ConsoleHubThreadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xht-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Threads of this process the runtime made for LongRunning tasks (what the pump used to be).</summary>
    private static int DedicatedThreads() =>
        Directory.GetDirectories("/proc/self/task").Count(t =>
        {
            try { return File.ReadAllText(Path.Combine(t, "comm")).StartsWith(".NET Long Runni", StringComparison.Ordinal); }
            catch (IOException) { return false; } // the thread ended meanwhile
        });

    [Fact]
    public async Task FortyHubsDoNotTakeAThreadEach()
    {
        const int hubs = 40;
        int before = DedicatedThreads();
        var started = new List<ConsoleHub>();
        try
        {
            for (int i = 0; i < hubs; i++)
            {
                var log = Path.Combine(_dir, $"g{i}.log");
                File.WriteAllText(log, "");
                // No QEMU behind "con": each hub keeps trying to connect, as for a guest not yet up.
                started.Add(ConsoleHub.Start($"Domain {i}", new PathConsoleUpstream(Path.Combine(_dir, $"con{i}")), Path.Combine(_dir, $"h{i}"), log,
                    new ConsoleHubOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50) }, TimeProvider.System, _ => { }));
            }
            int grown = DedicatedThreads() - before;
            // Other tests in this process may start a few console clients (one thread each) meanwhile.
            Assert.True(grown < hubs / 4, $"{grown} dedicated threads appeared for {hubs} hubs");
        }
        finally
        {
            foreach (var hub in started)
                await hub.DisposeAsync();
        }
    }
}
