using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Engine.Bench;
using Xeno.Panel.Data;
using Xeno.Panel.Vms;
using static Xeno.Panel.Bench.Section;

namespace Xeno.Panel.Bench;

/// <summary>
/// The VM list page (GET /) with many VMs: ann's VMs recorded in the panel's database as its
/// create form records them, each started paused in xenod with the domain the panel itself would
/// start (VmSpec), so xenod lists them all and the page shows each with xenod's figures.
/// </summary>
internal sealed partial class ListPageBench(PanelRig rig, BenchSettings settings)
{
    private const int MemoryMib = 64;

    public async Task<string> RunAsync()
    {
        int samples = settings.Quick ? 20 : 50;
        var ann = await rig.LoggedInAsync("ann");
        var root = await rig.LoggedInAsync("root");
        // The page with no VMs, the same way, first.
        await TimeAsync(ann, 10);
        var empty = await TimeAsync(ann, samples);

        Console.Error.WriteLine($"panel bench: recording and starting {settings.Vms} paused VMs");
        var clock = Stopwatch.StartNew();
        var names = await AddFleetAsync();
        double fleetSeconds = clock.Elapsed.TotalSeconds;
        try
        {
            var annPage = await ann.GetAsync("/");
            int rows = RowCount(annPage.Body), paused = Regex.Count(annPage.Body, "<td>paused</td>");
            if (rows != settings.Vms || paused != settings.Vms)
                throw new InvalidOperationException($"the list shows {rows} VMs, {paused} of them paused; expected {settings.Vms}");

            await TimeAsync(ann, 10);
            await TimeAsync(root, 10);
            var owner = new List<double>();
            var admin = new List<double>();
            var xenod = new List<double>();
            for (int run = 0; run < settings.Runs; run++)
            {
                owner.AddRange(await TimeAsync(ann, samples));
                admin.AddRange(await TimeAsync(root, samples));
                for (int i = 0; i < samples; i++)
                {
                    var sw = Stopwatch.StartNew();
                    var list = await rig.Xenod.ListDomainsAsync();
                    xenod.Add(sw.Elapsed.TotalMilliseconds);
                    if (list.Count < settings.Vms)
                        throw new InvalidOperationException($"xenod lists {list.Count} domains");
                }
            }

            var weight = await WeightAsync(ann, "/");
            var firstVm = Regex.Match(annPage.Body, "<a href=\"/Vms/Info/(\\d+)\"").Groups[1].Value;
            var consoleWeight = await WeightAsync(ann, "/Vms/Console/" + firstVm);
            var md = new StringBuilder();
            md.Append(F($"### VM list page with {settings.Vms} VMs\n\n"));
            md.Append(F($"Method: the owner ann has {settings.Vms} VMs (hvm, {MemoryMib} MiB, 1 vCPU, a 1 GiB sparse disk in the panel's storage folder), recorded in the panel's database by the bench with the panel's own VmRecords (what the create form records) and each started in xenod **paused**, with the domain JSON the panel itself builds for it (VmSpec, as `xl create` would) and `Paused` set (as `xl create -p`): a real QEMU process per VM, started with -S, its QMP session, console hub and xenstore nodes in xenod, but no guest code runs, so {settings.Vms} of them fit this shared host (a booted TCG guest takes a share of the 2 cores and a few hundred MiB; see the paused-fleet section of the engine bench). The list page asks xenod the same `GET /v1/domains` for a paused domain as for a running one and shows each VM's state, memory, vCPUs and uptime from it (the page checks all {settings.Vms} show as paused). Recording and starting the {settings.Vms} took {fleetSeconds:F0} s (4 at a time, through the API). Server time: a GET of the page on a keep-alive loopback connection, from sending the request to the last byte of the body, so it includes the HTTP exchange on loopback (an upper bound of the server's own time); {samples} requests per kind per run, {settings.Runs} run(s), kinds in turn, after 10 warm-up requests. `xenod GET /v1/domains` is the panel's own call to xenod (the typed client, a kept-alive connection to xenod's socket), timed from the bench.\n\n"));
            md.Append("| Request (ms) | median | p95 |\n|---|---:|---:|\n");
            md.Append(F($"| GET / as the owner, 0 VMs | {Ms(empty)} |\n"));
            md.Append(F($"| **GET / as the owner, {settings.Vms} VMs** (goal p95 ≤ 50) | {Ms(owner)} |\n"));
            md.Append(F($"| GET / as an admin, {settings.Vms} VMs | {Ms(admin)} |\n"));
            md.Append(F($"| xenod `GET /v1/domains`, {settings.Vms} domains (inside the page's time) | {Ms(xenod)} |\n"));
            md.Append(F($"\n| Page weight | bytes | gzip -6 bytes |\n|---|---:|---:|\n"));
            md.Append(F($"| VM list, {settings.Vms} VMs: HTML (styles inline; no script, image or stylesheet to fetch) | {weight.Html} | {weight.HtmlGzip} |\n"));
            md.Append(F($"| VM list, {settings.Vms} VMs: HTML + assets | {weight.Total} | {weight.TotalGzip} |\n"));
            md.Append(F($"| (for comparison) a VM's console page: HTML + assets (xterm.js, its stylesheet, the fit add-on, console.js) | {consoleWeight.Total} | {consoleWeight.TotalGzip} |\n"));
            md.Append("\nThe panel serves the page uncompressed (a reverse proxy in front may compress; the gzip column is what that would send).\n\n");
            return md.ToString();
        }
        finally
        {
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (n, c) =>
            {
                try { await rig.Xenod.DestroyAsync(n, c); } catch (XenodException) { }
            });
        }
    }

    private static async Task<List<double>> TimeAsync(PanelClient c, int count)
    {
        var ms = new List<double>(count);
        for (int i = 0; i < count; i++)
        {
            var r = await c.GetAsync("/");
            if (r.Status != HttpStatusCode.OK)
                throw new InvalidOperationException($"GET / answered {(int)r.Status}");
            ms.Add(r.Milliseconds);
        }
        return ms;
    }

    private async Task<List<string>> AddFleetAsync()
    {
        var options = new PanelOptions { Prefix = rig.Prefix };
        using var db = PanelDatabase.From(options);
        var owner = new Users(db).Find("ann") ?? throw new InvalidOperationException("no user ann");
        var host = new Hosts(db).Get(Hosts.LocalName) ?? throw new InvalidOperationException("no local host");
        var records = new VmRecords(db);
        var disks = new DiskStore(options);
        int cpus = (await rig.Xenod.GetHostAsync()).NrCpus;
        var names = Enumerable.Range(1, settings.Vms).Select(i => F($"vm-{i:D3}")).ToList();
        var started = new List<string>();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (name, cancel) =>
        {
            var path = disks.PathFor(name);
            if (!disks.Create(path, 1))
                throw new InvalidOperationException($"{path} exists");
            PanelVm vm;
            lock (records)
                vm = records.Add(name, owner.Id, host.Id, VmType.Hvm, MemoryMib, 1, 1, path, null) ?? throw new InvalidOperationException($"{name} is taken");
            var (spec, error) = VmSpec.Build(vm, null, cpus);
            if (spec is null)
                throw new InvalidOperationException($"the panel's spec for {name}: {error}");
            await rig.Xenod.CreateDomainAsync(new CreateDomainRequest { Spec = spec.Value, Paused = true }, cancel);
            lock (started) started.Add(name);
        });
        return started;
    }

    private sealed record Weight(long Html, long HtmlGzip, long Total, long TotalGzip);

    /// <summary>The page's bytes and those of every stylesheet and script it names.</summary>
    private static async Task<Weight> WeightAsync(PanelClient c, string path)
    {
        var page = await c.GetAsync(path);
        long html = page.Bytes, htmlGzip = Gzip(page.Body), total = html, totalGzip = htmlGzip;
        foreach (Match m in Asset().Matches(page.Body))
        {
            var a = await c.GetAsync(WebUtility.HtmlDecode(m.Groups[1].Value));
            if (a.Status != HttpStatusCode.OK)
                throw new InvalidOperationException($"{m.Groups[1].Value} answered {(int)a.Status}");
            total += a.Bytes;
            totalGzip += Gzip(a.Body);
        }
        return new Weight(html, htmlGzip, total, totalGzip);
    }

    private static long Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var z = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(Encoding.UTF8.GetBytes(text));
        return buffer.Length;
    }

    private static int RowCount(string html) => Regex.Count(html, "<a href=\"/Vms/Info/");

    [GeneratedRegex("(?:<script[^>]+src|<link[^>]+href)=\"(/[^\"]+)\"")]
    private static partial Regex Asset();
}
