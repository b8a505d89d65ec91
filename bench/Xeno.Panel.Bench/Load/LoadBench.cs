using System.Globalization;
using System.Net;
using System.Text;
using Xeno.Api.Client;
using Xeno.Engine.Bench;
using static Xeno.Panel.Bench.Section;

namespace Xeno.Panel.Bench.Load;

/// <summary>
/// Login and VM create under a bounded local load (<see cref="LoadRun"/>): logins from one
/// address against the rate limiter as configured, logins from many addresses (the PBKDF2
/// cost), and creates through the create form, each VM destroyed right after.
/// </summary>
internal sealed class LoadBench(PanelRig rig, BenchSettings settings)
{
    public async Task<string> RunAsync()
    {
        var duration = TimeSpan.FromSeconds(settings.Seconds);
        int clients = settings.Clients;
        int pid = rig.Panel.Pid;

        Console.Error.WriteLine("panel bench: logins from one address");
        // Each request a new visitor: the form (untimed, for its token and cookie), then the post (timed).
        var oneAddress = await LoadRun.RunAsync(clients, duration, pid, (_, _) => LoginAsync(null));
        Console.Error.WriteLine("panel bench: logins from many addresses");
        int next = 0;
        var manyAddresses = await LoadRun.RunAsync(clients, duration, pid, (_, _) =>
        {
            int n = Interlocked.Increment(ref next);
            return LoginAsync(F($"10.77.{n / 250 % 250}.{n % 250 + 1}"));
        });

        Console.Error.WriteLine("panel bench: creates");
        var sessions = new List<PanelClient>();
        for (int c = 0; c < clients; c++)
            sessions.Add(await rig.LoggedInAsync("root"));
        int notStarted = 0;
        var creates = await LoadRun.RunAsync(clients, duration, pid, async (c, i) =>
        {
            string name = F($"ld{c}x{i}");
            var r = await sessions[c].PostFormAsync("/Vms/Create", "/Vms/Create", default,
                ("name", name), ("type", "hvm"), ("memory", "64"), ("vcpus", "1"), ("disk", "1"), ("kernel", ""));
            if (r.Status != HttpStatusCode.Redirect)
                return new LoadSample(((int)r.Status).ToString(CultureInfo.InvariantCulture), r.Milliseconds);
            // The panel starts what it creates; the load stays bounded: at most one VM per client at a time.
            try
            {
                await rig.Xenod.DestroyAsync(name);
            }
            catch (XenodException e) when (e.Kind == Xeno.Api.Contracts.ApiErrorKind.NotFound)
            {
                Interlocked.Increment(ref notStarted);
            }
            return new LoadSample("ok", r.Milliseconds);
        });

        var md = new StringBuilder();
        md.Append("### Login and VM create under load\n\n");
        md.Append(F($"Method: a closed loop of {clients} concurrent clients for {settings.Seconds} s per row, each sending its next request as soon as the last is answered (so the rate is what the panel sustains, on this loaded host, with the bench's own clients on the same 2 cores). A login is a new visitor: the login form (untimed, for its antiforgery token and cookie), then the posted form (timed). *One address*: every client from 127.0.0.1 as the rate limiter sees it, as configured (`LoginAttemptsPerWindow` 10 per `LoginWindow` of 1 minute, a fixed window per client address, no queue): the first 10 posts in the window are checked, the rest are answered 429 at once without touching the password hash, each audited (`login refused`). *Many addresses*: each post with its own `X-Forwarded-For` address, which the panel believes from loopback as from its reverse proxy, so the limiter never refuses and every post verifies the password: ASP.NET Core Identity's PBKDF2 (HMAC-SHA512, 100 000 iterations), a session row, the audit row and the cookie. *Create*: the admin's sessions post the create form (hvm, 64 MiB, 1 vCPU, 1 GiB sparse disk, empty disk boot; the form's token fetched first, untimed); the panel checks it, creates the disk, records the VM and starts it through xenod (a QEMU process each), and the post returns once xenod has created the domain. The panel starts what it creates (it has no create-paused), so each client destroys its VM through xenod's API right after (untimed) and at most {clients} of them run at once; the records stay in the bench's temporary database. Panel CPU: the panel process's user + system time over the row, per answered request.\n\n"));
        md.Append("| Row | requests | answered per s | ok / 429 / other | latency p50 / p95 ms (all) | ok: p50 / p95 ms | 429: p50 / p95 ms | panel CPU ms per request |\n|---|---:|---:|---|---|---|---|---:|\n");
        Row(md, "login, one address (rate limiter as configured)", oneAddress);
        Row(md, "login, many addresses (no limiting)", manyAddresses);
        Row(md, "VM create (hvm, started, destroyed after)", creates);
        if (notStarted > 0)
            md.Append(F($"\n{notStarted} created VM(s) had not started (xenod did not know them when destroyed).\n"));
        md.Append('\n');
        return md.ToString();
    }

    private async Task<LoadSample> LoginAsync(string? address)
    {
        var c = new PanelClient(rig.Http) { ForwardedFor = address };
        var r = await c.PostFormAsync("/Account/Login", "/Account/Login", default, ("name", "ann"), ("password", PanelClient.Password));
        string kind = r.Status switch
        {
            HttpStatusCode.Redirect => "ok",
            HttpStatusCode.TooManyRequests => "429",
            var s => ((int)s).ToString(CultureInfo.InvariantCulture),
        };
        return new LoadSample(kind, r.Milliseconds);
    }

    private static void Row(StringBuilder md, string what, LoadRun.Result r)
    {
        var all = r.Samples.Select(s => s.Milliseconds).ToList();
        var ok = r.Samples.Where(s => s.Kind == "ok").Select(s => s.Milliseconds).ToList();
        var limited = r.Samples.Where(s => s.Kind == "429").Select(s => s.Milliseconds).ToList();
        int other = r.Samples.Count - ok.Count - limited.Count;
        static string P(List<double> v) => v.Count == 0 ? "–" : F($"{Stats.Median(v):F0} / {Stats.Percentile(v, 95):F0}");
        md.Append(F($"| {what} | {r.Samples.Count} | {r.Samples.Count / r.Seconds:F1} | {ok.Count} / {limited.Count} / {other} | {P(all)} | {P(ok)} | {P(limited)} | {r.PanelCpuSeconds * 1000 / Math.Max(1, r.Samples.Count):F0} |\n"));
    }
}
