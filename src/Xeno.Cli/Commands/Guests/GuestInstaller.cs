using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;
using Xeno.Cli.Hosting;
using Xeno.Config.Domain;
using Xeno.Config.Install;
using Xeno.Config.Language;

namespace Xeno.Cli.Commands.Guests;

/// <summary>
/// Carries out a checked install (<see cref="GuestInstallCommand"/>): the base image is copied to
/// the new disk (reflink where the filesystem can, sparse otherwise) and the file grown, the
/// parameters written to a private parameter disk, and the helper guest created; its console
/// log is followed until it reports. Only then is the guest's config written (and the domain
/// created with --start). Whatever fails, the half-made disk and the parameter disk are removed:
/// the host never mounts or parses the new disk's filesystem, the helper does all of that.
/// </summary>
internal static class GuestInstaller
{
    /// <summary>How long a helper that has reported may take to power off before it is destroyed.</summary>
    private static readonly TimeSpan PowerOffGrace = TimeSpan.FromSeconds(60);

    public static string HelperConfig(GuestInstallRequest r, string parameterDisk) =>
        InstallConfigs.Helper(r.Name, r.Kernel, r.Ramdisk, r.Disk, parameterDisk);

    public static int Install(XlContext ctx, GuestInstallRequest r)
    {
        if (OperatingSystem.IsWindows()) return Refuse(ctx, "guest-install runs on Linux hosts only");
        var clock = Stopwatch.StartNew();
        string helper = InstallConfigs.HelperName(r.Name);
        using var client = DomainArgs.Client(ctx);
        try
        {
            var names = client.ListDomainsAsync().Sync().Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
            if (names.Contains(r.Name)) return Refuse(ctx, $"a domain named {r.Name} exists already");
            if (names.Contains(helper)) return Refuse(ctx, $"the helper domain {helper} exists already (another install of {r.Name} running?)");
        }
        catch (XenodException e)
        {
            ctx.Err.Write(e.Message + "\n");
            return 1;
        }

        DirectoryInfo? privateDir = null;
        bool diskMade = false;
        try
        {
            // Claim the path first (create-new: two installs cannot share a disk), owner-only: it
            // will hold root's password hash.
            Directory.CreateDirectory(Path.GetDirectoryName(r.Disk)!);
            using (new FileStream(r.Disk, new FileStreamOptions
                   {
                       Mode = FileMode.CreateNew, Access = FileAccess.Write,
                       UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                   }))
            {
            }
            diskMade = true;
            Progress(ctx, $"copying the base image {r.BaseImage} to {r.Disk}");
            if (RunTool("cp", "--reflink=auto", "--sparse=always", r.BaseImage, r.Disk) is { } cpError)
                return Failed(ctx, r, $"copying the base image failed: {cpError}");
            // Growing the file is all the host does to the disk; the partition and filesystem grow inside the helper.
            using (var f = new FileStream(r.Disk, FileMode.Open, FileAccess.Write))
            {
                if (f.Length < r.SizeBytes) f.SetLength(r.SizeBytes);
            }

            // The parameter disk: private folder (0700), file 0600; never on a command line.
            privateDir = Directory.CreateTempSubdirectory("xeno-install-");
            string parameters = Path.Combine(privateDir.FullName, "parameters.img");
            using (var f = new FileStream(parameters, new FileStreamOptions
                   {
                       Mode = FileMode.CreateNew, Access = FileAccess.Write,
                       UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                   }))
            {
                f.Write(InstallParameterDisk.Encode(r.Hostname, r.RootPassword, r.AuthorizedKeys));
            }

            var spec = BuildSpec(ctx, HelperConfig(r, parameters), helper, out var buildError);
            if (spec is null) return Failed(ctx, r, buildError!);
            Progress(ctx, $"starting the helper guest {helper}");
            int domid;
            try
            {
                domid = client.CreateDomainAsync(new CreateDomainRequest { Spec = JsonElement.Parse(DomainSpecJson.Write(spec)) }).Sync().Domid;
            }
            catch (XenodException e)
            {
                return Failed(ctx, r, $"the helper guest could not be created: {e.Message}");
            }
            var report = Follow(ctx, client, helper, domid, r.Timeout, out string log);
            if (!report.Succeeded)
                return Failed(ctx, r, (report.Reason ?? "the helper guest stopped without reporting a result") + $" (the helper's console log: {log})");

            Directory.CreateDirectory(Path.GetDirectoryName(r.Config)!);
            using (var f = new FileStream(r.Config, FileMode.CreateNew, FileAccess.Write))
            {
                f.Write(new UTF8Encoding(false).GetBytes(InstallConfigs.Guest(r.Name, r.Type, r.MemoryMib, r.Disk, r.Vifs)));
            }
            diskMade = false; // it is the guest's now
            ctx.Out.Write(string.Create(CultureInfo.InvariantCulture,
                $"guest-install: {r.Name}: Debian installed on {r.Disk} ({r.SizeBytes >> 20} MiB, {(r.Type == InstallGuestType.Pv ? "pv" : "hvm")}, host name {r.Hostname}) in {clock.Elapsed.TotalSeconds:F0} s; config {r.Config}\n"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(ctx, r, Strerror.Of(e) + ": " + e.Message);
        }
        finally
        {
            if (privateDir is not null) TryDelete(() => privateDir.Delete(recursive: true));
            if (diskMade) TryDelete(() => File.Delete(r.Disk));
        }

        if (!r.Start) return 0;
        var guest = BuildSpec(ctx, File.ReadAllText(r.Config), r.Config, out var error);
        if (guest is null)
        {
            ctx.Err.Write($"guest-install: {r.Config}: {error}\n");
            return 1;
        }
        return CreateRequest.Send(ctx, guest, paused: false, console: false, foreground: false);
    }

    /// <summary>
    /// Follows the helper's console log until it reports (its progress lines go to stderr), then
    /// waits for it to power off; destroys it when it overstays <paramref name="timeout"/> or the grace after its report.
    /// </summary>
    private static InstallReport Follow(XlContext ctx, XenodClient client, string helper, int domid, TimeSpan timeout, out string log)
    {
        // Where xenod logs a domain's console; asked for below as well.
        log = Path.Combine(ctx.Host.Layout.ConsoleLogDir, helper + ".log");
        try
        {
            log = client.GetDomainAsync(domid.ToString(CultureInfo.InvariantCulture)).Sync().Console.Log;
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
            var report = InstallConsole.Read(ReadShared(log));
            foreach (var step in report.Steps.Skip(shown)) Progress(ctx, step);
            shown = report.Steps.Count;
            bool running = Running(client, helper, domid);
            if (report.Finished) reportedAt ??= clock.Elapsed;
            if (!running)
            {
                report = InstallConsole.Read(ReadShared(log)); // its last lines
                foreach (var step in report.Steps.Skip(shown)) Progress(ctx, step);
                return report;
            }
            if (reportedAt is { } at && clock.Elapsed - at > PowerOffGrace || clock.Elapsed > timeout)
            {
                TryDestroy(client, domid);
                return report.Finished ? report
                    : new InstallReport(true, false, $"the helper guest did not finish within {timeout.TotalSeconds:F0} s and was destroyed", report.Steps);
            }
            Thread.Sleep(500);
        }
    }

    private static bool Running(XenodClient client, string helper, int domid)
    {
        try
        {
            return client.ListDomainsAsync().Sync().Any(d => d.Domid == domid && d.Name == helper);
        }
        catch (XenodException)
        {
            return true; // xenod busy or restarting: ask again
        }
    }

    private static void TryDestroy(XenodClient client, int domid)
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

    private static string? RunTool(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(info)!;
            var err = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? null : $"{tool} exited with {p.ExitCode}: {err.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"cannot run {tool}: {e.Message}";
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

    private static void Progress(XlContext ctx, string text) => ctx.Err.Write($"guest-install: {text}\n");

    private static int Refuse(XlContext ctx, string message)
    {
        ctx.Err.Write($"guest-install: {message}\n");
        return 1;
    }

    private static int Failed(XlContext ctx, GuestInstallRequest r, string reason)
    {
        ctx.Err.Write($"guest-install: {r.Name}: install failed: {reason}; the new disk was removed\n");
        return 1;
    }

    private static void TryDelete(Action delete)
    {
        try { delete(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
