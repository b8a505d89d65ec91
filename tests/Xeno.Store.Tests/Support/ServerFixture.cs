using Xeno.Store.Server;

namespace Xeno.Store.Tests.Support;

/// <summary>A live server on a temp socket with a temp state directory and per-domain sockets.</summary>
internal sealed class LiveServer : IAsyncDisposable
{
    private readonly TempDir _dir = new();

    public LiveServer(bool persistent = true)
    {
        Server = XenStoreServer.Start(new XenStoreServerOptions
        {
            SocketPath = SocketPath,
            StateDirectory = persistent ? _dir["state"] : null,
            DomainSocketDirectory = _dir["run"],
        });
    }

    public XenStoreServer Server { get; }

    public string SocketPath => _dir["sock"];

    public string Root => _dir.Path;

    public string DomainSocket(uint domainId) => Path.Combine(_dir["run"], $"domain-{domainId}.sock");

    public XsClient Connect() => new(SocketPath);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}
