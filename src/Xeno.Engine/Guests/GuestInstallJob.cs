using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xeno.Api.Contracts;
using Xeno.Config.Install;
using Xeno.Engine.Domains;
using Xeno.GuestDisks.Rescue;

namespace Xeno.Engine.Guests;

/// <summary>
/// Carries out a checked install (<see cref="GuestInstallPlan"/>) in xenod (moved here from xl's
/// GuestInstaller): the base image is copied to the new disk (reflink where the filesystem can,
/// sparse otherwise) and the file grown, the parameters written to a private parameter disk, and
/// the helper guest created and followed until it reports (<see cref="EngineHelperGuests"/>). Only then is the
/// guest's config written. Whatever fails, the half-made disk and the parameter disk are removed:
/// the host never mounts or parses the new disk's filesystem, the helper does all of that.
/// </summary>
internal sealed class GuestInstallJob(DomainEngine engine, GuestInstallPlan plan, HelperOperation<GuestInstallResult> progress)
{
    public async Task RunAsync()
    {
        var clock = Stopwatch.StartNew();
        var r = plan;
        DirectoryInfo? privateDir = null;
        bool diskMade = false;
        try
        {
            // Claim the path first (create-new: two installs cannot share a disk), owner-only: it
            // will hold root's password hash.
            Directory.CreateDirectory(Path.GetDirectoryName(r.Disk)!);
            using (CreateOwnerOnly(r.Disk))
            {
            }
            diskMade = true;
            progress.Step($"copying the base image {r.BaseImage} to {r.Disk}");
            if (await RunToolAsync("cp", "--reflink=auto", "--sparse=always", r.BaseImage, r.Disk) is { } cpError)
            {
                Failed($"copying the base image failed: {cpError}");
                return;
            }
            // Growing the file is all the host does to the disk; the partition and filesystem grow inside the helper.
            using (var f = new FileStream(r.Disk, FileMode.Open, FileAccess.Write))
            {
                if (f.Length < r.SizeBytes) f.SetLength(r.SizeBytes);
            }

            // The parameter disk: private folder (0700), file 0600; never on a command line.
            privateDir = Directory.CreateTempSubdirectory("xeno-install-");
            string parameters = Path.Combine(privateDir.FullName, "parameters.img");
            using (var f = CreateOwnerOnly(parameters))
            {
                f.Write(InstallParameterDisk.Encode(r.Hostname, r.RootPassword, r.AuthorizedKeys));
            }

            progress.Step($"starting the helper guest {r.HelperName}");
            HelperGuestRun run;
            try
            {
                run = await new EngineHelperGuests(engine).RunAsync(r.HelperName, InstallConfigs.Helper(r.Name, r.Kernel, r.Ramdisk, r.Disk, parameters),
                    HelperConsole.Install, r.Timeout, progress.Step);
            }
            catch (HelperGuestNotStartedException e)
            {
                Failed(e.Message);
                return;
            }
            if (!run.Report.Succeeded)
            {
                Failed((run.Report.Reason ?? "the helper guest stopped without reporting a result") + $" (the helper's console log: {run.ConsoleLog})");
                return;
            }

            string configText = r.GuestConfig;
            if (r.Config is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(r.Config)!);
                using var f = new FileStream(r.Config, FileMode.CreateNew, FileAccess.Write);
                f.Write(new UTF8Encoding(false).GetBytes(configText));
            }
            diskMade = false; // it is the guest's now
            engine.Log.Info(string.Create(CultureInfo.InvariantCulture,
                $"guest-install: {r.Name}: Debian installed on {r.Disk} ({r.SizeBytes >> 20} MiB, {r.TypeText}) in {clock.Elapsed.TotalSeconds:F0} s"));
            progress.Succeed(new GuestInstallResult
            {
                Disk = r.Disk, SizeBytes = r.SizeBytes, Type = r.TypeText, Hostname = r.Hostname, Config = r.Config, ConfigText = configText,
                Seconds = clock.Elapsed.TotalSeconds,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failed(e.Message);
        }
        catch (Exception e)
        {
            // A bug must still end the operation, or its client would follow it forever.
            Failed(e.Message);
        }
        finally
        {
            if (privateDir is not null) TryDelete(() => privateDir.Delete(recursive: true));
            if (diskMade) TryDelete(() => File.Delete(r.Disk));
            // Reported only after the clean-up: a client told of the failure finds the half-made disk gone.
            if (_failure is { } reason)
            {
                engine.Log.Info($"guest-install: {plan.Name}: install failed: {reason}");
                progress.Fail(reason);
            }
        }
    }

    /// <summary>The first failure, reported once the disks are cleaned up (the end of the run).</summary>
    private string? _failure;

    private void Failed(string reason) => _failure ??= reason;

    private static async Task<string?> RunToolAsync(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(info)!;
            var err = p.StandardError.ReadToEndAsync();
            await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            return p.ExitCode == 0 ? null : $"{tool} exited with {p.ExitCode}: {(await err).Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"cannot run {tool}: {e.Message}";
        }
    }

    /// <summary>A new file (never an existing one) only its owner, root, may read.</summary>
    private static FileStream CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }

    private static void TryDelete(Action delete)
    {
        try { delete(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
