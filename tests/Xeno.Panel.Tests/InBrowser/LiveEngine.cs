using System.Globalization;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;

namespace Xeno.Panel.Tests.InBrowser;

/// <summary>
/// A real xenod engine in process on a temporary prefix, for the browser tests' guest fixtures. Disposing
/// destroys the domains still there, stops the engine and removes the folder.
/// </summary>
internal sealed class LiveEngine : IAsyncDisposable
{
    private readonly string _root;
    private readonly EngineHost _host;

    private LiveEngine(string root, string prefix, EngineHost host)
    {
        _root = root;
        Prefix = prefix;
        _host = host;
    }

    public string Prefix { get; }

    public static async Task<LiveEngine> StartAsync(string tempPrefix)
    {
        // A short root: xenod's unix sockets live under the prefix.
        var root = Directory.CreateTempSubdirectory(tempPrefix).FullName;
        try
        {
            var prefix = Path.Combine(root, "p");
            Directory.CreateDirectory(prefix);
            var host = await EngineHost.StartAsync(prefix, options: new EngineOptions { AgentTimeout = TimeSpan.FromMilliseconds(500) }, cancel: CancellationToken.None);
            return new LiveEngine(root, prefix, host);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var d in await _host.Engine.ListAsync(CancellationToken.None))
            {
                try { await _host.Engine.DestroyAsync(d.Domid.ToString(CultureInfo.InvariantCulture), CancellationToken.None); }
                catch (EngineException) { }
            }
            await _host.DisposeAsync();
        }
        finally
        {
            if (Directory.Exists(_root))
                Directory.Delete(_root, recursive: true);
        }
    }
}
