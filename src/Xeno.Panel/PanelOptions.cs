namespace Xeno.Panel;

/// <summary>
/// What the panel is configured with (section "Panel" of its configuration: appsettings, the
/// environment as Panel__Key, or the command line; docs/panel.md). Paths default under the prefix.
/// </summary>
public sealed record PanelOptions
{
    /// <summary>The host prefix (Xen's layout below it: var/lib/xeno, run/xeno ...); "/" on a real host.</summary>
    public string Prefix { get; init; } = "/";

    /// <summary>The SQLite database file; default &lt;prefix&gt;/var/lib/xeno/panel.db.</summary>
    public string? Database { get; init; }

    /// <summary>An Npgsql connection string: when set, the panel keeps its data in PostgreSQL instead of SQLite (docs/panel.md).</summary>
    public string? PostgreSql { get; init; }

    /// <summary>A bearer token that may read /metrics (besides signed-in admins); none: admins only.</summary>
    public string? MetricsToken { get; init; }

    /// <summary>Where the panel creates its guests' disks; default &lt;prefix&gt;/var/lib/xeno/panel/disks.</summary>
    public string? StorageDir { get; init; }

    /// <summary>The xenod socket of the one host; default &lt;prefix&gt;/run/xeno/xenod.sock.</summary>
    public string? XenodSocket { get; init; }

    /// <summary>The kernels owners may choose from (admin-provided; owners never type a path).</summary>
    public IReadOnlyList<KernelChoice> Kernels { get; init; } = [];

    /// <summary>The quota of an owner who has no quota row of their own.</summary>
    public Quota DefaultQuota { get; init; } = new(MaxVms: 4, MaxMemoryMib: 2048, MaxVcpus: 4, MaxDiskGib: 40);

    /// <summary>Login attempts allowed per client address per window.</summary>
    public int LoginAttemptsPerWindow { get; init; } = 10;

    public TimeSpan LoginWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a session lives without use.</summary>
    public TimeSpan SessionIdle { get; init; } = TimeSpan.FromHours(8);

    /// <summary>The system account owners log in to for the SSH menu (docs/panel.md); keys are offered for no other.</summary>
    public string SshAccount { get; init; } = "xeno";

    /// <summary>The command sshd forces for a panel key (authorized-keys appends --prefix and --key); shell-safe words only.</summary>
    public string SshMenuCommand { get; init; } = "/usr/local/sbin/xeno-panel ssh-menu";

    /// <summary>The rescue kernel and initramfs of rescue mode; default &lt;prefix&gt;/usr/lib/xeno/rescue/vmlinuz and initrd.img (xl guest-rescue's).</summary>
    public string? RescueKernel { get; init; }
    public string? RescueRamdisk { get; init; }

    /// <summary>Where uploaded CD images are kept; default &lt;prefix&gt;/var/lib/xeno/panel/isos.</summary>
    public string? IsoDir { get; init; }

    /// <summary>The largest CD image upload accepted, in MiB.</summary>
    public int MaxIsoUploadMib { get; init; } = 4096;

    /// <summary>How often the usage graph's sampler reads xenod's statistics, in seconds.</summary>
    public int UsageSampleSeconds { get; init; } = 10;

    public string DatabasePath => Database ?? Path.Combine(PrefixPath("var/lib/xeno"), "panel.db");

    public string DiskDir => StorageDir ?? PrefixPath("var/lib/xeno/panel/disks");

    /// <summary>The keys that sign session cookies and antiforgery tokens (kept so a restart keeps sessions).</summary>
    public string KeyDir => PrefixPath("var/lib/xeno/panel/keys");

    public string RescueKernelPath => RescueKernel ?? PrefixPath("usr/lib/xeno/rescue/vmlinuz");

    public string RescueRamdiskPath => RescueRamdisk ?? PrefixPath("usr/lib/xeno/rescue/initrd.img");

    public string IsoStoreDir => IsoDir ?? PrefixPath("var/lib/xeno/panel/isos");

    public string SocketPath => XenodSocket ?? PrefixPath("run/xeno/xenod.sock");

    private string PrefixPath(string relative) => Path.Combine(Prefix, relative);
}

/// <summary>A kernel an admin offers: owners pick it by <see cref="Name"/>.</summary>
public sealed record KernelChoice
{
    public required string Name { get; init; }
    public required string Kernel { get; init; }
    public string? Ramdisk { get; init; }
    /// <summary>The kernel command line (xl.cfg's extra=).</summary>
    public string? Extra { get; init; }
}

/// <summary>Per-owner limits, summed over all their VMs.</summary>
public sealed record Quota(int MaxVms, int MaxMemoryMib, int MaxVcpus, int MaxDiskGib);
