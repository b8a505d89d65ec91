using System.Globalization;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;
using Xeno.Cli.Hosting;
using Xeno.Config.Domain;
using Xeno.Config.Install;
using Xeno.Config.Language;

namespace Xeno.Cli.Commands.Guests;

/// <summary>
/// Carries out a checked install (<see cref="GuestInstallCommand"/>) as a client of xenod, which
/// owns the work (POST /v1/guests/install: image copy, parameter disk, helper guest; see
/// Xeno.Engine/Guests): xl starts the operation, prints its steps on stderr as they come and its
/// result on stdout, then creates the domain with --start.
/// </summary>
internal static class GuestInstaller
{
    /// <summary>How often xl asks for the install's progress.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public static string HelperConfig(GuestInstallRequest r, string parameterDisk) =>
        InstallConfigs.Helper(r.Name, r.Kernel, r.Ramdisk, r.Disk, parameterDisk);

    public static int Install(XlContext ctx, GuestInstallRequest r)
    {
        if (OperatingSystem.IsWindows()) return Refuse(ctx, "guest-install runs on Linux hosts only");
        using var client = DomainArgs.Client(ctx);
        GuestInstallOperation operation;
        try
        {
            operation = client.StartGuestInstallAsync(Request(r)).Sync();
        }
        catch (XenodException e)
        {
            // xenod's refusals (a name taken) read as xl's own; "no xenod" is printed as every command prints it.
            ctx.Err.Write(e.Kind == ApiErrorKind.Unreachable ? e.Message + "\n" : $"guest-install: {e.Message}\n");
            return 1;
        }

        int shown = 0;
        while (true)
        {
            foreach (var step in operation.Steps.Skip(shown)) Progress(ctx, step);
            shown = operation.Steps.Count;
            if (operation.State != "running") break;
            Thread.Sleep(Poll);
            try
            {
                operation = client.GetGuestInstallAsync(operation.Id).Sync();
            }
            catch (XenodException e) when (e.Kind is ApiErrorKind.NotResponding)
            {
                // xenod busy: ask again
            }
            catch (XenodException e)
            {
                ctx.Err.Write($"guest-install: {r.Name}: lost the install's progress: {e.Message}\n");
                return 1;
            }
        }
        if (operation.Result is not { } result)
        {
            ctx.Err.Write($"guest-install: {r.Name}: install failed: {operation.Error}; the new disk was removed\n");
            return 1;
        }
        ctx.Out.Write(string.Create(CultureInfo.InvariantCulture,
            $"guest-install: {r.Name}: Debian installed on {result.Disk} ({result.SizeBytes >> 20} MiB, {result.Type}, host name {result.Hostname}) in {result.Seconds:F0} s; config {r.Config}\n"));

        if (!r.Start) return 0;
        var guest = BuildSpec(ctx, File.ReadAllText(r.Config), r.Config, out var error);
        if (guest is null)
        {
            ctx.Err.Write($"guest-install: {r.Config}: {error}\n");
            return 1;
        }
        return CreateRequest.Send(ctx, guest, paused: false, console: false, foreground: false);
    }

    /// <summary>The API request of a checked install: every path explicit, so xenod's defaults never differ from xl's.</summary>
    internal static global::Xeno.Api.Contracts.GuestInstallRequest Request(GuestInstallRequest r) => new()
    {
        Name = r.Name,
        Type = r.Type == InstallGuestType.Pv ? "pv" : "hvm",
        Hostname = r.Hostname,
        SizeBytes = r.SizeBytes,
        AuthorizedKeys = r.AuthorizedKeys,
        RootPassword = r.RootPassword,
        MemoryMib = r.MemoryMib,
        Vifs = r.Vifs,
        Disk = r.Disk,
        Config = r.Config,
        BaseImage = r.BaseImage,
        Kernel = r.Kernel,
        Ramdisk = r.Ramdisk,
        TimeoutSeconds = (int)r.Timeout.TotalSeconds,
    };

    private static DomainSpec? BuildSpec(XlContext ctx, string text, string source, out string? error)
    {
        error = null;
        var parse = ConfigParser.Parse(text, source);
        if (!parse.Success)
        {
            error = string.Join(" ", parse.DiagnosticLines());
            return null;
        }
        var build = DomainSpecBuilder.Build(parse.Document!, new DomainBuildContext(ctx.Global, XenoHost.ReadCpuTopology(), Random.Shared));
        if (!build.Ok)
        {
            error = string.Concat(build.Messages).TrimEnd('\n');
            return null;
        }
        return build.Spec;
    }

    private static void Progress(XlContext ctx, string text) => ctx.Err.Write($"guest-install: {text}\n");

    private static int Refuse(XlContext ctx, string message)
    {
        ctx.Err.Write($"guest-install: {message}\n");
        return 1;
    }
}
