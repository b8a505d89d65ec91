using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;

namespace Xeno.Engine.Tests.Unit;

/// <summary>One xenod per prefix: a second is refused before it touches anything, naming the first's pid.</summary>
public sealed class PrefixLockTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xe-lock-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task ASecondXenodOnAPrefixIsRefusedAndThePrefixIsFreeAgainAfterTheFirstStops()
    {
        var options = new EngineOptions { EmbeddedXenstore = false };
        var first = await EngineHost.StartAsync(_dir.FullName, options: options, cancel: TestContext.Current.CancellationToken);
        var socketBefore = File.GetLastWriteTimeUtc(first.Paths.Socket);
        var e = await Assert.ThrowsAsync<PrefixInUseException>(() =>
            EngineHost.StartAsync(_dir.FullName, options: options, cancel: TestContext.Current.CancellationToken));
        Assert.Equal($"xenod is already running for this prefix (pid {Environment.ProcessId})", e.Message);
        Assert.IsAssignableFrom<IOException>(e);
        // The refused one touched nothing: the first's socket is still its own.
        Assert.True(File.Exists(first.Paths.Socket));
        Assert.Equal(socketBefore, File.GetLastWriteTimeUtc(first.Paths.Socket));
        await first.DisposeAsync();

        var again = await EngineHost.StartAsync(_dir.FullName, options: options, cancel: TestContext.Current.CancellationToken);
        await again.DisposeAsync();
    }
}
