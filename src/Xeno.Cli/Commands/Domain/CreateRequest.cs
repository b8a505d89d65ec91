using System.Text.Json;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Config.Domain;

namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// The non-dry-run end of `xl create`: resolves relative paths against xl's working directory
/// (xenod has its own), sends the domain to xenod, then honours -c (attach the console) and
/// -F (stay until the domain is gone, printing xl's monitor lines: <see cref="CreateMonitor"/>).
/// </summary>
public static class CreateRequest
{
    // libxl's ERROR_FAIL, returned negated as xl create's exit status.
    private const int ErrorFail = 3;

    public static int Send(XlContext ctx, DomainSpec spec, bool paused, bool console, bool foreground)
    {
        spec = Absolute(spec, Directory.GetCurrentDirectory());
        using var client = DomainArgs.Client(ctx);
        // -F subscribes to xenod's events before the domain exists, so it misses none of them.
        CreateMonitor? monitor = null;
        Api.Client.EventStreamException? monitorError = null;
        if (foreground)
        {
            try
            {
                monitor = CreateMonitor.Open(ctx);
            }
            catch (Api.Client.EventStreamException e)
            {
                monitorError = e; // the create request below reports an unreachable xenod
            }
        }
        using var _ = monitor;
        int domid;
        try
        {
            domid = client.CreateDomainAsync(new CreateDomainRequest
            {
                Spec = JsonElement.Parse(DomainSpecJson.Write(spec)),
                Paused = paused,
                // The spec's JSON leaves the password out; xenod gets it beside it, never in a log.
                VncPassword = string.IsNullOrEmpty(spec.Vnc.Password) ? null : spec.Vnc.Password,
            }).Sync().Domid;
        }
        catch (XenodException e)
        {
            ctx.Err.Write(e.Message + "\n");
            if (e.Kind != ApiErrorKind.Unreachable)
                ctx.Err.Write($"libxl: error: Domain {spec.Name}:cannot (re-)build domain: -3\n");
            return ErrorFail;
        }
        ctx.Err.Write(SoftAffinityWarnings.AtCreate(domid, spec.MaxVcpus, spec.CpuAffinity, spec.CpuSoftAffinity, Hosting.XenoHost.ReadCpuTopology().CpuCount));
        // With -c too, xl's monitor prints while the console is attached, as Xen's does.
        // A thread of its own: it blocks on the event stream beside the console's pumps (see ConsoleCommand.Attach).
        var following = monitor is null ? null
            : Task.Factory.StartNew(() => monitor.Follow(spec.Name, domid), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (console)
        {
            try
            {
                var d = client.GetDomainAsync(DomainArgs.Dom(domid)).Sync();
                ConsoleCommand.Attach(ctx, d.Console.Socket, ConsoleCommand.DefaultEscape, null);
            }
            catch (XenodException e)
            {
                ctx.Err.Write(e.Message + "\n");
            }
        }
        if (following is not null)
            return following.GetAwaiter().GetResult();
        if (foreground)
        {
            ctx.Err.Write((monitorError?.Message ?? "cannot follow the domain") + "\n");
            return 1;
        }
        return 0;
    }

    /// <summary>
    /// Kernel, ramdisk and disk targets relative to <paramref name="cwd"/> become absolute; with a
    /// bootloader (pv/pvh) kernel and ramdisk are paths inside the guest's disk and stay as given.
    /// </summary>
    internal static DomainSpec Absolute(DomainSpec spec, string cwd)
    {
        string? Abs(string? path) => string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(path, cwd);
        bool insideGuest = spec.BootloaderRuns;
        return spec with
        {
            Kernel = insideGuest ? spec.Kernel : Abs(spec.Kernel),
            Ramdisk = insideGuest ? spec.Ramdisk : Abs(spec.Ramdisk),
            Disks = spec.Disks.Select(d => d with { Target = Abs(d.Target) }).ToList(),
        };
    }
}
