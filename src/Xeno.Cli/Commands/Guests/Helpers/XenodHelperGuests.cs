using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;
using Xeno.Cli.Hosting;
using Xeno.Config.Domain;
using Xeno.Config.Language;
using Xeno.GuestDisks.Rescue;

namespace Xeno.Cli.Commands.Guests.Helpers;

/// <summary>
/// Helper guests run through xenod's API for xl (<see cref="IHelperGuestHost"/>): the helper's
/// xl.cfg is built into a spec as `xl create` would, the domain created, and its console log
/// (xenod's, as for any guest) followed until it reports and powers off. A helper that overstays
/// its time, or does not power off within a minute of its report, is destroyed.
/// </summary>
internal sealed class XenodHelperGuests(XlContext ctx, XenodClient client) : IHelperGuestHost
{
    private static readonly TimeSpan PowerOffGrace = TimeSpan.FromSeconds(60);

    public IReadOnlyList<string> DomainsUsing(string disk) =>
        [.. client.ListDomainsAsync().Sync().Where(d => Names(d.Config, disk)).Select(d => $"{d.Domid} ({d.Name})")];

    public bool DomainExists(string name) => client.ListDomainsAsync().Sync().Any(d => d.Name == name);

    public HelperReport Run(string name, string config, HelperConsole console, TimeSpan timeout, Action<string> progress, out string consoleLog)
    {
        consoleLog = Path.Combine(ctx.Host.Layout.ConsoleLogDir, name + ".log");
        var spec = BuildSpec(config, name);
        int domid;
        try
        {
            domid = client.CreateDomainAsync(new CreateDomainRequest { Spec = JsonElement.Parse(DomainSpecJson.Write(spec)) }).Sync().Domid;
        }
        catch (XenodException e)
        {
            throw new HelperGuestException($"the helper guest could not be created: {e.Message}: nothing changed");
        }
        try
        {
            consoleLog = client.GetDomainAsync(domid.ToString(CultureInfo.InvariantCulture)).Sync().Console.Log;
        }
        catch (XenodException)
        {
            // gone already: a helper that powers off at once; its log is still read below by name
        }
        var clock = Stopwatch.StartNew();
        int shown = 0;
        TimeSpan? reportedAt = null;
        while (true)
        {
            var report = console.Read(ReadShared(consoleLog));
            foreach (var step in report.Steps.Skip(shown)) progress(step);
            shown = report.Steps.Count;
            bool running = Running(name, domid);
            if (report.Finished) reportedAt ??= clock.Elapsed;
            if (!running)
            {
                report = console.Read(ReadShared(consoleLog)); // its last lines
                foreach (var step in report.Steps.Skip(shown)) progress(step);
                return report;
            }
            if (reportedAt is { } at && clock.Elapsed - at > PowerOffGrace || clock.Elapsed > timeout)
            {
                TryDestroy(domid);
                return report.Finished ? report
                    : new HelperReport(true, false, $"the helper guest did not finish within {timeout.TotalSeconds:F0} s and was destroyed", report.Steps);
            }
            Thread.Sleep(500);
        }
    }

    /// <summary>True when a string anywhere in a domain's config is <paramref name="path"/> or a disk spec ending in it.</summary>
    private static bool Names(JsonElement config, string path) => config.ValueKind switch
    {
        JsonValueKind.String => config.GetString() is { } s && (s == path || s.EndsWith("=" + path, StringComparison.Ordinal) || s.EndsWith("," + path, StringComparison.Ordinal)),
        JsonValueKind.Array => config.EnumerateArray().Any(e => Names(e, path)),
        JsonValueKind.Object => config.EnumerateObject().Any(p => Names(p.Value, path)),
        _ => false,
    };

    private DomainSpec BuildSpec(string text, string source)
    {
        var parse = ConfigParser.Parse(text, source);
        if (!parse.Success) throw new HelperGuestException("the helper's config: " + string.Join(" ", parse.DiagnosticLines()));
        var build = DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(ctx.Global, XenoHost.ReadCpuTopology(), Random.Shared));
        if (!build.Ok) throw new HelperGuestException("the helper's config: " + string.Concat(build.Messages).TrimEnd('\n'));
        return build.Spec!;
    }

    private bool Running(string name, int domid)
    {
        try
        {
            return client.ListDomainsAsync().Sync().Any(d => d.Domid == domid && d.Name == name);
        }
        catch (XenodException)
        {
            return true; // xenod busy or restarting: ask again
        }
    }

    private void TryDestroy(int domid)
    {
        try
        {
            client.DestroyAsync(domid.ToString(CultureInfo.InvariantCulture)).Sync();
        }
        catch (XenodException)
        {
            // gone meanwhile
        }
    }

    private static string ReadShared(string file)
    {
        try
        {
            using var f = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(f).ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ""; // not written yet
        }
    }
}
