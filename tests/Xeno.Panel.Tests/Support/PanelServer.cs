using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Tests.Support;

/// <summary>
/// The real panel (PanelApp.Build, every middleware and page) on ASP.NET Core's in-memory test
/// server, with its database and storage in a temporary prefix. Without <c>xenodSocket</c> no
/// xenod answers (the pages say so); the guest test passes a real one.
/// </summary>
internal sealed class PanelServer : IAsyncDisposable
{
    private PanelServer(string root, WebApplication app, PanelOptions options)
    {
        Root = root;
        App = app;
        Options = options;
    }

    public string Root { get; }
    public WebApplication App { get; }
    public PanelOptions Options { get; }
    public TestServer Server => (TestServer)App.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
    public AuditLog Audit => App.Services.GetRequiredService<AuditLog>();
    public Users Users => App.Services.GetRequiredService<Users>();

    public const string Password = "correct horse battery";

    public static async Task<PanelServer> StartAsync(Func<PanelOptions, PanelOptions>? change = null, string? prefix = null)
    {
        var root = Directory.CreateTempSubdirectory("xpw-").FullName;
        var options = new PanelOptions { Prefix = prefix ?? root, Database = Path.Combine(root, "panel.db"), StorageDir = Path.Combine(root, "disks") };
        options = change?.Invoke(options) ?? options;
        var app = PanelApp.Build(options, configure: b =>
        {
            b.WebHost.UseTestServer();
            b.Logging.ClearProviders();
        });
        await app.StartAsync();
        return new PanelServer(root, app, options);
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
