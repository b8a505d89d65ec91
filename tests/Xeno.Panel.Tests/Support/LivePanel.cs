using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Tests.Support;

/// <summary>
/// The real panel on Kestrel at a free loopback port, for a real browser (the in-memory
/// <see cref="PanelServer"/> has no socket a browser could reach).
/// </summary>
internal sealed class LivePanel : IAsyncDisposable
{
    private LivePanel(WebApplication app, PanelOptions options, Uri address)
    {
        App = app;
        Options = options;
        Address = address;
    }

    public WebApplication App { get; }
    public PanelOptions Options { get; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Address { get; }

    public AuditLog Audit => App.Services.GetRequiredService<AuditLog>();

    public static async Task<LivePanel> StartAsync(PanelOptions options)
    {
        var app = PanelApp.Build(options, configure: b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Logging.ClearProviders();
        });
        await app.StartAsync();
        return new LivePanel(app, options, new Uri(app.Urls.Single().TrimEnd('/') + "/"));
    }

    public PanelUser AddUser(string name, Role role = Role.Owner) =>
        App.Services.GetRequiredService<Users>().Add(name, App.Services.GetRequiredService<Passwords>().Hash(PanelServer.Password), role)!;

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
