using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Tests.Support;

/// <summary>
/// The real panel (PanelApp.Build, every middleware and page) with its database and storage in a
/// temporary prefix: on ASP.NET Core's in-memory test server (<see cref="StartAsync"/>), or on
/// Kestrel at a free loopback port for a real browser (<see cref="StartLiveAsync"/>). Without a
/// xenod at the prefix no xenod answers (the pages say so); the guest tests pass a prefix with a real one.
/// </summary>
internal sealed class PanelServer : IAsyncDisposable
{
    private readonly Uri? _address;

    private PanelServer(string root, WebApplication app, PanelOptions options, Uri? address)
    {
        Root = root;
        App = app;
        Options = options;
        _address = address;
    }

    public string Root { get; }
    public WebApplication App { get; private set; }
    public PanelOptions Options { get; }
    public TestServer Server => (TestServer)App.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();

    /// <summary>http://127.0.0.1:PORT/ of a panel started with <see cref="StartLiveAsync"/>.</summary>
    public Uri Address => _address ?? throw new InvalidOperationException("this panel runs on the in-memory test server: start it with StartLiveAsync for an address");

    public AuditLog Audit => App.Services.GetRequiredService<AuditLog>();
    public Users Users => App.Services.GetRequiredService<Users>();

    public const string Password = "correct horse battery";

    /// <summary>On the in-memory test server (requests through <see cref="Browser"/>).</summary>
    public static Task<PanelServer> StartAsync(Func<PanelOptions, PanelOptions>? change = null, string? prefix = null) =>
        StartAsync(change, prefix, live: false);

    /// <summary>On Kestrel at a free loopback port (<see cref="Address"/>), for a real browser.</summary>
    public static Task<PanelServer> StartLiveAsync(Func<PanelOptions, PanelOptions>? change = null, string? prefix = null) =>
        StartAsync(change, prefix, live: true);

    private static async Task<PanelServer> StartAsync(Func<PanelOptions, PanelOptions>? change, string? prefix, bool live)
    {
        var root = Directory.CreateTempSubdirectory("xpw-").FullName;
        try
        {
            var options = new PanelOptions { Prefix = prefix ?? root, Database = Path.Combine(root, "panel.db"), StorageDir = Path.Combine(root, "disks") };
            options = change?.Invoke(options) ?? options;
            var app = Build(options, live);
            await app.StartAsync();
            return new PanelServer(root, app, options, live ? new Uri(app.Urls.Single().TrimEnd('/') + "/") : null);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    private static WebApplication Build(PanelOptions options, bool live) => PanelApp.Build(options, configure: b =>
    {
        if (live)
            b.WebHost.UseUrls("http://127.0.0.1:0");
        else
            b.WebHost.UseTestServer();
        b.Logging.ClearProviders();
    });

    /// <summary>
    /// Stops the panel and starts a new one on the same database, keys and storage, as a panel
    /// restarted by its admin (in-memory server only; browsers of the old one are not valid: log in again).
    /// </summary>
    public async Task RestartAsync()
    {
        if (_address is not null)
            throw new InvalidOperationException("only a panel on the in-memory test server restarts");
        await App.StopAsync();
        await App.DisposeAsync();
        App = Build(Options, live: false);
        await App.StartAsync();
    }

    public PanelUser AddUser(string name, Role role = Role.Owner) =>
        Users.Add(name, App.Services.GetRequiredService<Passwords>().Hash(Password), role)!;

    public Browser Browser() => new(Server);

    public async Task<Browser> LoggedInAsync(string name)
    {
        var b = Browser();
        var r = await b.LoginAsync(name, Password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, r.StatusCode);
        return b;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
