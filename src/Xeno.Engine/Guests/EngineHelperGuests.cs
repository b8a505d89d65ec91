using System.Diagnostics;
using System.Globalization;
using Xeno.Config.Domain;
using Xeno.Config.Host;
using Xeno.Config.Language;
using Xeno.Config.Specs;
using Xeno.Engine.Domains;
using Xeno.GuestDisks.Rescue;

namespace Xeno.Engine.Guests;

/// <summary>
/// Helper guests run by xenod's engine itself (the autoinstaller's and the conversion's,
/// <see cref="IHelperGuestHost"/>): the helper's xl.cfg is built into a spec as xl builds a
/// config, the domain created, and its console log followed until it reports and powers off.
/// A helper that overstays its time, or does not power off within a minute of its report, is destroyed.
/// </summary>
internal sealed class EngineHelperGuests(DomainEngine engine) : IHelperGuestHost
{
    /// <summary>How long a helper that has reported may take to power off before it is destroyed.</summary>
    private static readonly TimeSpan PowerOffGrace = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public async Task<IReadOnlyList<string>> DomainsUsingAsync(string disk) =>
        [.. (await engine.ListAsync(CancellationToken.None))
            .Where(d => d.Spec.Disks.Any(x => x.Target is not null && Path.GetFullPath(x.Target) == disk))
            .Select(d => $"{d.Domid} ({d.Name})")];

    public async Task<bool> DomainExistsAsync(string name) =>
        (await engine.ListAsync(CancellationToken.None)).Any(d => d.Name == name);

    public async Task<HelperGuestRun> RunAsync(string name, string config, HelperConsole console, TimeSpan timeout, Action<string> progress)
    {
        var spec = BuildSpec(config, name);
        int domid;
        try
        {
            domid = await engine.CreateAsync(spec, paused: false, CancellationToken.None);
        }
        catch (EngineException e)
        {
            throw new HelperGuestNotStartedException($"the helper guest could not be created: {e.Message}");
        }
        return await FollowAsync(name, domid, console, timeout, progress);
    }

    /// <summary>
    /// Follows the helper's console log until it reports (its progress lines go to
    /// <paramref name="progress"/>), then waits for it to power off.
    /// </summary>
    private async Task<HelperGuestRun> FollowAsync(string name, int domid, HelperConsole console, TimeSpan timeout, Action<string> progress)
    {
        string log = engine.Paths.ConsoleLog(name);
        var clock = Stopwatch.StartNew();
        int shown = 0;
        TimeSpan? reportedAt = null;
        while (true)
        {
            var report = console.Read(ReadShared(log));
            foreach (var step in report.Steps.Skip(shown)) progress(step);
            shown = report.Steps.Count;
            bool running = (await engine.ListAsync(CancellationToken.None)).Any(d => d.Domid == domid && d.Name == name);
            if (report.Finished) reportedAt ??= clock.Elapsed;
            if (!running)
            {
                report = console.Read(ReadShared(log)); // its last lines
                foreach (var step in report.Steps.Skip(shown)) progress(step);
                return new HelperGuestRun(report, log);
            }
            if (reportedAt is { } at && clock.Elapsed - at > PowerOffGrace || clock.Elapsed > timeout)
            {
                await TryDestroyAsync(domid);
                return new HelperGuestRun(report.Finished ? report
                    : new HelperReport(true, false, $"the helper guest did not finish within {timeout.TotalSeconds:F0} s and was destroyed", report.Steps), log);
            }
            await Task.Delay(Poll);
        }
    }

    private async Task TryDestroyAsync(int domid)
    {
        try
        {
            await engine.DestroyAsync(domid.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
        }
        catch (EngineException)
        {
            // gone meanwhile
        }
    }

    /// <summary>The helper's spec, built as xl builds a config (no vifs, one vCPU: xl.conf and the host's topology do not matter).</summary>
    private static DomainSpec BuildSpec(string text, string source)
    {
        var parse = ConfigParser.Parse(text, source);
        if (!parse.Success) throw new HelperGuestNotStartedException("the helper's config: " + string.Join(" ", parse.DiagnosticLines()));
        var build = DomainSpecBuilder.Build(parse.Document!,
            new DomainBuildContext(new GlobalConfig(), HostCpuTopology.SingleNode(Math.Max(1, Environment.ProcessorCount)), Random.Shared));
        if (!build.Ok) throw new HelperGuestNotStartedException("the helper's config: " + string.Concat(build.Messages).TrimEnd('\n'));
        return build.Spec!;
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
