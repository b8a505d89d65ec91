using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xeno.Panel.Accounts;
using Xeno.Panel.Consoles;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;
using Xeno.Panel.Metrics;
using Xeno.Panel.Vms;

namespace Xeno.Panel;

/// <summary>Builds the panel's web application from its options (Program and the tests both use it).</summary>
public static class PanelApp
{
    public const string LoginLimit = "login";

    public static WebApplication Build(PanelOptions options, string[]? args = null, Action<WebApplicationBuilder>? configure = null)
    {
        PanelOptionsCheck.ThrowIfInvalid(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            // Razor Pages are found in this assembly, also when a test process hosts the panel.
            ApplicationName = typeof(PanelApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);
        // Kestrel runs a connection's code on the thread its socket's event is handled on instead
        // of queuing it to the thread pool once more, and a response's flush sends at once: one
        // hand-off less each way for a console's keystroke and echo (BENCHMARKS.md). Safe here
        // because that thread is still a thread-pool thread: the runtime's socket engine hands
        // every event to the pool (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS, which would run
        // them on its event thread, stays off: a login's password hash or a SQLite query there
        // would stall every socket), and keeps another work item queued while one handler runs,
        // so a request that computes or blocks holds up only its own connection.
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);

        var db = PanelDatabase.From(options);
        try
        {
            db.Migrate();
        }
        catch
        {
            db.Dispose();
            throw;
        }
        var s = builder.Services;
        s.AddSingleton(options);
        s.TryAddSingleton(TimeProvider.System);
        s.AddSingleton(_ => db); // a factory, so the container disposes it (PostgreSQL's connection pool)
        s.AddSingleton<Users>();
        s.AddSingleton<Sessions>();
        s.AddSingleton<Hosts>();
        s.AddSingleton<Quotas>();
        s.AddSingleton<VmRecords>();
        s.AddSingleton<AuditLog>();
        s.AddSingleton<Passwords>();
        s.AddSingleton<DiskStore>();
        s.AddSingleton<VmAccess>();
        s.AddSingleton<Ssh.SshKeys>();
        s.AddSingleton<Groups>();
        s.AddSingleton<AccountAdmin>();
        s.AddSingleton<XenodClients>();
        s.AddSingleton<VmService>();
        s.AddSingleton<VmInstallService>();
        s.AddSingleton<VmInstallRecords>();
        s.AddHostedService<VmInstallResumption>();
        s.AddSingleton<VmDeleteService>();
        s.AddSingleton<SessionValidation>();
        s.AddSingleton<PanelMetrics>();
        // Behind a reverse proxy on this host (docs/panel.md): the client's address and scheme
        // from X-Forwarded-*, believed only from loopback (the options' default known proxies).
        s.Configure<ForwardedHeadersOptions>(f => f.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        s.AddVmFeatures(options);
        s.AddScoped<VmAccessFilter>();
        s.AddScoped<CsrfAudit>();
        s.AddPanelConsoles();

        // Cookie and token keys under the prefix, readable by the panel's user only.
        var keys = Directory.CreateDirectory(options.KeyDir);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(keys.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        s.AddDataProtection().SetApplicationName("xeno-panel").PersistKeysToFileSystem(keys);
        s.AddAuthentication(PanelClaims.Scheme).AddCookie(PanelClaims.Scheme, c =>
        {
            c.Cookie.Name = "xeno-panel";
            c.Cookie.HttpOnly = true;
            c.Cookie.SameSite = SameSiteMode.Strict;
            c.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            c.LoginPath = "/Account/Login";
            c.ExpireTimeSpan = options.SessionIdle;
            c.SlidingExpiration = true;
            c.EventsType = typeof(SessionValidation);
        });
        s.AddAuthorizationBuilder().AddPolicy("admin", p => p.RequireRole("admin"));
        s.AddAntiforgery(a =>
        {
            a.Cookie.Name = "xeno-panel-csrf";
            a.Cookie.SameSite = SameSiteMode.Strict;
        });
        s.AddRazorPages(p =>
        {
            p.Conventions.AuthorizeFolder("/");
            p.Conventions.AuthorizeFolder("/Admin", "admin");
            p.Conventions.AllowAnonymousToPage("/Account/Login");
            p.Conventions.AllowAnonymousToPage("/Error");
        }).AddMvcOptions(m =>
        {
            m.Filters.AddService<VmAccessFilter>();
            m.Filters.AddService<CsrfAudit>();
        });
        s.AddRateLimiter(r =>
        {
            r.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            r.OnRejected = async (ctx, cancel) =>
            {
                var http = ctx.HttpContext;
                http.RequestServices.GetRequiredService<AuditLog>().Write(null, "login", null, CurrentUser.Remote(http), "refused", "too many login attempts");
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync("Too many login attempts from this address; wait a minute and try again.\n", cancel);
            };
            // Only posted logins count: showing the form is free.
            r.AddPolicy(LoginLimit, http => HttpMethods.IsPost(http.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(CurrentUser.Remote(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.LoginAttemptsPerWindow,
                    Window = options.LoginWindow,
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(""));
        });

        var app = builder.Build();
        app.Services.GetRequiredService<Hosts>().EnsureLocal(options.SocketPath);
        app.Services.GetRequiredService<AuditLog>().Written += app.Services.GetRequiredService<PanelMetrics>().ObserveAudit;
        app.UseForwardedHeaders();
        app.UseRequestMetrics();
        app.UseExceptionHandler("/Error");
        app.UseStatusCodePagesWithReExecute("/Error", "?status={0}");
        // wwwroot: the vendored terminal library and the console script (docs/panel.md), public.
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRequestRouteCapture();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseWebSockets();
        app.UseIsoUploadLimit(options);
        app.MapRazorPages();
        app.MapPanelConsoles();
        app.MapPanelMetrics();
        return app;
    }
}
