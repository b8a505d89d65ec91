using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xeno.Api.Client;
using Xeno.Engine.Bench;
using static Xeno.Panel.Bench.Section;

namespace Xeno.Panel.Bench;

/// <summary>
/// xenod and xeno-panel as their own processes on one temporary prefix (the panel finds xenod's
/// socket under it, as installed), an admin "root" and an owner "ann" made with the panel's own
/// account commands, and, for the console parts, one PV kit guest with a shell on hvc0 that
/// root created through the panel's create form.
/// </summary>
internal sealed class PanelRig : IAsyncDisposable
{
    public const string ConsoleVm = "con";
    private readonly BenchXenod _xenod;

    private PanelRig(GuestKit kit, Programs programs, BenchXenod xenod, PanelProcess panel)
    {
        Kit = kit;
        Programs = programs;
        _xenod = xenod;
        Panel = panel;
        Xenod = new XenodClient(xenod.Socket, xenod.Prefix);
        Http = PanelClient.Http(panel.Address);
    }

    public GuestKit Kit { get; }
    public Programs Programs { get; }
    public PanelProcess Panel { get; }
    public XenodClient Xenod { get; }
    public HttpClient Http { get; }
    public string Prefix => _xenod.Prefix;
    public string Root => _xenod.Root;
    public int XenodPid => _xenod.Process.Pid;
    public long ConsoleVmId { get; private set; }

    public static async Task<PanelRig> StartAsync(GuestKit kit)
    {
        var programs = Programs.BuildOutput();
        var xenod = await BenchXenod.StartAsync(programs, "xpb-", "panel bench");
        try
        {
            var etc = Directory.CreateDirectory(Path.Combine(xenod.Prefix, "etc/xeno")).FullName;
            var config = new
            {
                Panel = new
                {
                    Kernels = new[] { new { Name = "kit", Kernel = kit.Vmlinuz, Ramdisk = kit.Initrd, Extra = "console=hvc0 xeno.action=shell xeno.agent=off" } },
                },
            };
            await File.WriteAllTextAsync(Path.Combine(etc, "panel.json"), JsonSerializer.Serialize(config));
            PanelProcess.CreateAccount(xenod.Prefix, "create-admin", "root", PanelClient.Password);
            PanelProcess.CreateAccount(xenod.Prefix, "create-owner", "ann", PanelClient.Password);
            var panel = await PanelProcess.StartAsync(xenod.Prefix, TimeSpan.FromMinutes(3));
            return new PanelRig(kit, programs, xenod, panel);
        }
        catch
        {
            await xenod.DisposeAsync();
            throw;
        }
    }

    private int _sessions;

    /// <summary>
    /// A signed-in session. Each comes from an address of its own (X-Forwarded-For, believed from
    /// loopback), so the bench's own logins never spend the rate limiter's window of 127.0.0.1,
    /// which the login load test measures.
    /// </summary>
    public async Task<PanelClient> LoggedInAsync(string name)
    {
        int n = Interlocked.Increment(ref _sessions);
        var c = new PanelClient(Http) { ForwardedFor = F($"192.0.2.{n % 250 + 1}") };
        await c.LoginAsync(name);
        return c;
    }

    /// <summary>root creates the console guest through the create form; waits for the kit's ready marker.</summary>
    public async Task StartConsoleGuestAsync()
    {
        var root = await LoggedInAsync("root");
        var r = await root.PostFormAsync("/Vms/Create", "/Vms/Create", default,
            ("name", ConsoleVm), ("type", "pv"), ("memory", "128"), ("vcpus", "1"), ("disk", "1"), ("kernel", "kit"));
        if (r.Location is not { } info || !info.StartsWith("/Vms/Info/", StringComparison.Ordinal))
            throw new InvalidOperationException($"creating {ConsoleVm} answered {(int)r.Status}: {r.Body[..Math.Min(500, r.Body.Length)]}");
        ConsoleVmId = long.Parse(info["/Vms/Info/".Length..], CultureInfo.InvariantCulture);
        Console.Error.WriteLine("panel bench: waiting for the console guest to boot");
        var sw = Stopwatch.StartNew();
        while (!(await Xenod.GetConsoleOutputAsync(ConsoleVm)).Output.Contains("XENO-GUEST-READY", StringComparison.Ordinal))
        {
            if (sw.Elapsed > TimeSpan.FromMinutes(6))
                throw new InvalidOperationException("the console guest printed no ready marker within 6 minutes");
            await Task.Delay(250);
        }
    }

    public async Task StopConsoleGuestAsync() => await Xenod.DestroyAsync(ConsoleVm);

    public async ValueTask DisposeAsync()
    {
        // Whatever a part left: destroyed through the API at once (xl one by one is slow under load).
        try
        {
            var left = await Xenod.ListDomainsAsync();
            await Parallel.ForEachAsync(left, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (d, c) =>
            {
                try { await Xenod.DestroyAsync(d.Name, c); } catch (XenodException) { }
            });
        }
        catch (XenodException)
        {
        }
        await Panel.DisposeAsync();
        Http.Dispose();
        Xenod.Dispose();
        await _xenod.DisposeAsync();
    }
}
