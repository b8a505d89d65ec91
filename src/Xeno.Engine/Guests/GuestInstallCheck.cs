using System.Text;
using Xeno.Api.Contracts;
using Xeno.Config.Install;
using Xeno.Engine.Domains;
using Xeno.Host;

namespace Xeno.Engine.Guests;

/// <summary>
/// xenod's checks of POST /v1/guests/install, made before anything is written: a refusal
/// (<see cref="EngineException"/>, invalid or conflict) names the field and has changed nothing.
/// The value checks are xl's (<see cref="InstallValues"/>, <see cref="InstallBaseImage"/>).
/// </summary>
internal static class GuestInstallCheck
{
    private const int MaxTimeoutSeconds = 24 * 3600;

    public static GuestInstallPlan Check(GuestInstallRequest r, HostLayout layout, IReadOnlyCollection<string> domainNames)
    {
        if (InstallValues.GuestNameProblem(r.Name) is { } nameProblem) throw Invalid(nameProblem);
        var type = r.Type switch
        {
            "pv" => InstallGuestType.Pv,
            "hvm" => InstallGuestType.Hvm,
            _ => throw Invalid($"request field \"type\" must be pv or hvm, not \"{r.Type}\""),
        };
        var hostname = r.Hostname ?? r.Name;
        if (InstallValues.HostnameProblem(hostname) is { } hostProblem)
            throw Invalid(hostProblem + (r.Hostname is null ? " (the guest's name is the default host name: give \"hostname\")" : ""));
        int memory = r.MemoryMib ?? GuestInstallDefaults.MemoryMib;
        if (memory < 128 || memory > 1 << 20)
            throw Invalid($"request field \"memory_mib\" must be a whole number of MiB from 128 to {1 << 20} (Debian needs about 128), not {memory}");
        int timeout = r.TimeoutSeconds ?? GuestInstallDefaults.TimeoutSeconds;
        if (timeout < 1 || timeout > MaxTimeoutSeconds)
            throw Invalid($"request field \"timeout_seconds\" must be from 1 to {MaxTimeoutSeconds}, not {timeout}");
        if (r.AuthorizedKeys is null && r.RootPassword is null)
            throw Invalid("no login for the new guest: give \"authorized_keys\" and/or \"root_password\"");
        string? keys = null, password = null;
        if (r.AuthorizedKeys is not null)
        {
            if (InstallValues.AuthorizedKeys(r.AuthorizedKeys, out var k) is { } problem) throw Invalid($"request field \"authorized_keys\": {problem}");
            keys = k;
        }
        if (r.RootPassword is not null)
        {
            // The file form takes the first line; a request's password is the whole string, so it must be one line.
            if (r.RootPassword.Contains('\n') || r.RootPassword.Contains('\r'))
                throw Invalid("request field \"root_password\" must be one line");
            if (InstallValues.RootPassword(Encoding.UTF8.GetBytes(r.RootPassword), out var p) is { } problem)
                throw Invalid($"request field \"root_password\": {problem}");
            password = p;
        }
        var vifs = r.Vifs ?? [];
        foreach (var vif in vifs)
        {
            if (InstallValues.ConfigStringProblem(vif, "request field \"vifs\": vif") is { } problem) throw Invalid(problem);
        }

        string disk = PathField(r.Disk, "disk", () => Path.Combine(GuestInstallDefaults.Under(layout, GuestInstallDefaults.DiskDir), r.Name + ".img"));
        string? config = r.Config is null ? null : AbsolutePath(r.Config, "config");
        string baseImage = PathField(r.BaseImage, "base_image", () => GuestInstallDefaults.Under(layout, GuestInstallDefaults.BaseImage));
        string rescue = GuestInstallDefaults.Under(layout, GuestInstallDefaults.RescueDir);
        string kernel = PathField(r.Kernel, "kernel", () => Path.Combine(rescue, "vmlinuz"));
        string ramdisk = PathField(r.Ramdisk, "ramdisk", () => Path.Combine(rescue, "initrd.img"));

        if (domainNames.Contains(r.Name)) throw Conflict($"a domain named {r.Name} exists already");
        var helper = InstallConfigs.HelperName(r.Name);
        if (domainNames.Contains(helper)) throw Conflict($"the helper domain {helper} exists already (another install of {r.Name} running?)");
        if (File.Exists(disk) || Directory.Exists(disk))
            throw Conflict($"request field \"disk\": {disk} exists already: the new guest gets a disk of its own (remove it or name another)");
        if (config is not null && (File.Exists(config) || Directory.Exists(config)))
            throw Conflict($"request field \"config\": {config} exists already (remove it or name another)");
        foreach (var (file, what) in new[] { (kernel, "kernel"), (ramdisk, "ramdisk") })
        {
            if (!File.Exists(file))
                throw Invalid($"no helper {what} at {file}: give \"{what}\", or install the guest kit's (scripts/guest-kit/build) vmlinuz " +
                              $"and rescue-initrd.img as vmlinuz and initrd.img in {rescue}");
        }
        long baseBytes;
        try
        {
            using var f = File.OpenRead(baseImage);
            if (InstallBaseImage.Problem(f, out baseBytes) is { } baseProblem) throw Invalid($"base image {baseImage}: {baseProblem}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid($"base image {baseImage}: {e.Message}");
        }
        long size = r.SizeBytes ?? baseBytes;
        if (size < baseBytes)
            throw Invalid($"request field \"size_bytes\" ({size}) is smaller than the base image ({baseBytes >> 20} MiB): a disk can only grow");
        return new GuestInstallPlan(r.Name, hostname, type, size, keys, password, baseImage, disk, config, kernel, ramdisk, memory, vifs,
            TimeSpan.FromSeconds(timeout));
    }

    /// <summary>The field's path, or the default when the request left it out.</summary>
    private static string PathField(string? value, string field, Func<string> fallback) =>
        value is null ? fallback() : AbsolutePath(value, field);

    /// <summary>An absolute path a config string can carry.</summary>
    private static string AbsolutePath(string value, string field)
    {
        if (!Path.IsPathFullyQualified(value)) throw Invalid($"request field \"{field}\" must be an absolute path");
        if (InstallValues.ConfigStringProblem(value, $"request field \"{field}\":") is { } problem) throw Invalid(problem);
        return Path.GetFullPath(value);
    }

    private static EngineException Invalid(string message) => new(EngineErrorKind.Invalid, message);

    private static EngineException Conflict(string message) => new(EngineErrorKind.Conflict, message);
}
