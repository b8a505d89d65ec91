using Xeno.Config.Host;
using Xeno.Config.Language;
using Xeno.Config.Specs;

namespace Xeno.Config.Domain;

/// <summary>
/// Turns a parsed xl.cfg into a <see cref="DomainSpec"/> the way xl's parse_config_data does:
/// the same options in the same order, the same defaults, warnings and fatal errors (with
/// xl's exit statuses), so an admin sees what Xen would show them. Options Xeno cannot honour
/// on QEMU are read (so their warnings appear) and reported where they would change the guest.
/// </summary>
public sealed class DomainSpecBuilder
{
    private const string XenFirmwareDir = "/usr/lib/xen/boot";

    /// <summary>libxl's Hyper-V enlightenment groups accepted in viridian=[...].</summary>
    private static readonly HashSet<string> ViridianEnlightenments =
    [
        "base", "freq", "time_ref_count", "reference_tsc", "hcall_remote_tlb_flush", "apic_assist",
        "crash_ctl", "stimer", "hcall_ipi", "ex_processor_masks", "no_vp_limit", "cpu_hotplug",
    ];

    private readonly ConfigDocument _document;
    private readonly DomainBuildContext _context;
    private readonly List<string> _messages = [];
    private readonly OrderedConfigReader _r;

    private DomainSpecBuilder(ConfigDocument document, DomainBuildContext context)
    {
        _document = document;
        _context = context;
        _r = new OrderedConfigReader(new ConfigReader(document), _messages);
    }

    public static DomainBuildResult Build(ConfigDocument document, DomainBuildContext context)
    {
        var builder = new DomainSpecBuilder(document, context);
        try
        {
            var spec = builder.BuildSpec();
            var unused = document.Settings.Select(s => s.Key).Where(k => !builder._r.KeysAsked.Contains(k)).ToList();
            return DomainBuildResult.Success(spec, builder._messages, unused);
        }
        catch (BuildAbortedException e)
        {
            builder._messages.Add(e.Message);
            return DomainBuildResult.Failure(e.ExitCode, builder._messages);
        }
    }

    /// <summary>xl prints a message and exits; we stop building with the same text and status.</summary>
    private sealed class BuildAbortedException(string message, int exitCode) : Exception(message)
    {
        public int ExitCode { get; } = exitCode;
    }

    private static BuildAbortedException Fail(string line, int exitCode = 1) => new(line + "\n", exitCode);

    /// <summary>xl's exit(-ERROR_FAIL).</summary>
    private const int ExitErrorFail = 3;

    private void Warn(string line) => _messages.Add(line + "\n");

    private DomainSpec BuildSpec()
    {
        _r.TryGetString("init_seclabel", out _);
        _r.TryGetString("seclabel", out _);

        var kind = ReadKind();
        _r.TryGetBool("hap", out _);

        if (!_r.TryGetString("name", out var name))
        {
            throw Fail("Domain name must be specified.");
        }
        // Refused here so xl create stops before contacting xenod (xenod checks again for API clients).
        if (DomainName.Problem(name) is { } badName)
        {
            throw Fail(badName);
        }

        Guid uuid;
        if (_r.TryGetString("uuid", out var uuidText))
        {
            if (!TryParseXenUuid(uuidText, out uuid))
            {
                throw Fail($"Failed to parse UUID: {uuidText}");
            }
        }
        else
        {
            uuid = RandomUuid(_context.Random);
        }

        _r.TryGetBool("oos", out _);
        string? pool = _r.TryGetString("pool", out var poolName) ? poolName : null;

        if (kind == DomainKind.Pvh)
        {
            _r.TryGetBool("pvshim", out var pvshim);
            _r.TryGetString("pvshim_path", out _);
            _r.TryGetString("pvshim_cmdline", out _);
            _r.TryGetString("pvshim_extra", out _);
            if (pvshim)
            {
                Warn("WARNING: \"pvshim\" is not supported by Xeno (no hypervisor shim); ignored");
            }
        }

        long cpuWeight = 256, cap = 0;
        if (_r.TryGetLong("cpu_weight", out var l)) cpuWeight = l;
        if (_r.TryGetLong("cap", out l)) cap = l;
        _r.TryGetLong("period", out _);
        _r.TryGetLong("slice", out _);
        _r.TryGetLong("latency", out _);
        _r.TryGetLong("extratime", out _);

        long? memory = null, maxmem = null;
        if (_r.TryGetLong("memory", out l)) memory = l;
        if (_r.TryGetLong("maxmem", out l)) maxmem = l;

        long vcpus = 0, maxvcpus = 0;
        if (_r.TryGetLong("vcpus", out l)) vcpus = l;
        if (_r.TryGetLong("maxvcpus", out l)) maxvcpus = l;

        if (_r.TryGetString("vuart", out var vuart) && vuart != "sbsa_uart")
        {
            throw Fail($"ERROR: invalid value \"{vuart}\" for \"vuart\"");
        }
        if (_r.Has("vnuma"))
        {
            Warn("WARNING: \"vnuma\" is not supported by Xeno; ignored");
        }

        // xl: unset maxvcpus follows vcpus; libxl later turns 0 into 1.
        if (maxvcpus == 0) maxvcpus = vcpus;
        if (maxvcpus < vcpus)
        {
            throw Fail("xl: maxvcpus < vcpus");
        }
        int onlineVcpus = (int)Math.Clamp(vcpus < 1 ? 1 : vcpus, 1, int.MaxValue);
        int maxVcpus = (int)Math.Clamp(maxvcpus < 1 ? 1 : maxvcpus, 1, int.MaxValue);

        var hardAffinity = ReadAffinity("cpus", maxvcpus, maxVcpus);
        var softAffinity = ReadAffinity("cpus_soft", maxvcpus, maxVcpus);

        var onPoweroff = ReadAction("on_poweroff", "destroy");
        var onReboot = ReadAction("on_reboot", "restart");
        var onWatchdog = ReadAction("on_watchdog", "destroy");
        var onCrash = ReadAction("on_crash", "destroy");
        var onSoftReset = ReadAction("on_soft_reset", "soft-reset");

        if (kind == DomainKind.Pv) _r.TryGetBool("e820_host", out _);
        _r.TryGetLong("pci_msitranslate", out _);
        _r.TryGetLong("pci_power_mgmt", out _);
        _r.TryGetLong("pci_permissive", out _);
        _r.TryGetLong("pci_seize", out _);
        _r.TryGetString("rdm", out _);
        if (_r.TryGetList("pci", out var pcis) && pcis.Items.Count > 0)
        {
            throw Fail("ERROR: PCI passthrough (\"pci\") is not supported by Xeno");
        }
        if (_r.TryGetString("passthrough", out var passthrough) &&
            passthrough is not ("disabled" or "enabled" or "sync_pt" or "share_pt" or "default"))
        {
            throw Fail($"ERROR: unknown passthrough option '{passthrough}'");
        }

        _r.TryGetLong("shadow_memory", out _);
        _r.TryGetBool("nomigrate", out _);
        ReadTscMode();
        _r.TryGetLong("rtc_timeoffset", out _);
        if (_r.TryGetLong("vncviewer", out _))
        {
            Warn("WARNING: ignoring \"vncviewer\" option. Use \"-V\" option of \"xl create\" to automatically spawn vncviewer.");
        }
        _r.TryGetBool("localtime", out _);
        long? videoram = _r.TryGetLong("videoram", out l) ? l : null;
        _r.TryGetLong("max_event_channels", out _);

        string? kernel = _r.TryGetString("kernel", out var k) ? k : null;
        string? ramdisk = _r.TryGetString("ramdisk", out var rd) ? rd : null;
        _r.TryGetString("device_tree", out _);
        string? cmdline = ReadCmdline();

        _r.TryGetBool("driver_domain", out _);
        bool acpi = !_r.TryGetBool("acpi", out var acpiValue) || acpiValue;

        string? bootloader = _r.TryGetString("bootloader", out var bl) ? bl : null;
        var bootloaderArgs = ReadBootloaderArgs();

        ReadTimerMode(kind);
        _r.TryGetBool("nestedhvm", out _);

        HvmOptions? hvm = null;
        if (kind == DomainKind.Hvm)
        {
            (hvm, kernel) = ReadHvmFirmware(kernel);
            hvm = hvm with { Acpi = acpi };
        }
        else
        {
            kernel = ReadPvFirmware(kernel);
            if (bootloader is null && kernel is null)
            {
                throw Fail("Neither kernel nor bootloader specified");
            }
        }

        ReadAltp2m();
        _r.TryGetLong("vmtrace_buf_kb", out _, dontWarn: true);
        foreach (var passthroughKey in new[] { "ioports", "irqs", "iomem" })
        {
            if (_r.TryGetList(passthroughKey, out var items) && items.Items.Count > 0)
            {
                throw Fail($"ERROR: \"{passthroughKey}\" passthrough is not supported by Xeno");
            }
        }

        var disks = ReadDisks();
        var vifs = ReadVifs(kind);
        if (_r.TryGetList("vif2", out _))
        {
            Warn("WARNING: vif2: netchannel2 is deprecated and not supported by xl");
        }

        var pvVnc = ReadVfbs();
        ReadDeviceModel(kind);

        VncOptions vnc;
        if (kind == DomainKind.Pv && pvVnc is null)
        {
            long vncEnabled = _r.TryGetLong("vnc", out l) ? l : 0;
            vnc = vncEnabled != 0 ? ReadTopLevelVnc(defaultEnabled: true) with
            {
                Keymap = _r.TryGetString("keymap", out var km) ? km : null,
            } : VncOptions.Disabled;
        }
        else if (kind == DomainKind.Pv)
        {
            vnc = pvVnc!;
        }
        else
        {
            // HVM and PVH read the top-level options; only HVM has a display to show them on.
            var top = ReadTopLevelVnc(defaultEnabled: kind == DomainKind.Hvm);
            vnc = kind == DomainKind.Hvm ? top : VncOptions.Disabled;
        }
        _r.TryGetBool("dm_restrict", out _);

        if (kind == DomainKind.Hvm)
        {
            hvm = ReadHvmDevices(hvm!, videoram, vnc, out var keymap);
            if (keymap is not null) vnc = vnc with { Keymap = keymap };
        }

        var accel = _context.Global.Accel;
        if (_r.TryGetString("accel", out var accelText))
        {
            if (!AccelNames.IsValid(accelText))
            {
                throw Fail($"Unknown accel \"{accelText}\" specified (expected auto, kvm or tcg)");
            }
            accel = accelText;
        }

        // libxl's defaults: 32 MiB when neither is given; each follows the other.
        long maxMemMiB = maxmem ?? memory ?? 32;
        long memoryMiB = memory ?? maxMemMiB;
        if (memoryMiB <= 0 || maxMemMiB <= 0)
        {
            throw Fail($"xl: memory must be a positive number of MiB (memory={memoryMiB}, maxmem={maxMemMiB})");
        }
        if (memoryMiB > maxMemMiB)
        {
            throw Fail($"xl: memory ({memoryMiB} MiB) is larger than maxmem ({maxMemMiB} MiB)");
        }
        if (cpuWeight is < 1 or > 65535)
        {
            throw Fail($"xl: cpu_weight must be between 1 and 65535, not {cpuWeight}");
        }
        if (cap is < 0 or > int.MaxValue)
        {
            throw Fail($"xl: cap must be between 0 and {int.MaxValue}, not {cap}");
        }

        return new DomainSpec
        {
            Name = name,
            Kind = kind,
            Uuid = uuid,
            MemoryMiB = memoryMiB,
            MaxMemMiB = maxMemMiB,
            Vcpus = onlineVcpus,
            MaxVcpus = maxVcpus,
            CpuAffinity = hardAffinity,
            CpuSoftAffinity = softAffinity,
            CpuWeight = (int)cpuWeight,
            Cap = (int)cap,
            Pool = pool,
            OnPoweroff = onPoweroff,
            OnReboot = onReboot,
            OnWatchdog = onWatchdog,
            OnCrash = onCrash,
            OnSoftReset = onSoftReset,
            Kernel = kernel,
            Ramdisk = ramdisk,
            Cmdline = cmdline,
            Bootloader = bootloader,
            BootloaderArgs = bootloaderArgs,
            Accel = accel,
            Hvm = hvm,
            Vnc = vnc,
            Disks = disks,
            Vifs = vifs,
        };
    }

    private DomainKind ReadKind()
    {
        DomainKind? kind = null;
        if (_r.TryGetString("type", out var type))
        {
            kind = DomainKindNames.FromTypeOption(type) ?? throw Fail($"Invalid domain type {type}.");
        }
        if (_r.TryGetString("builder", out var builder))
        {
            var builderKind = DomainKindNames.FromBuilderOption(builder) ?? throw Fail($"Invalid domain type {builder}.");
            if (kind is not null && kind != builderKind)
            {
                throw Fail("Contradicting \"builder\" and \"type\" options specified.");
            }
            kind = builderKind;
        }
        return kind ?? DomainKind.Pv;
    }

    private ShutdownAction ReadAction(string key, string defaultName)
    {
        var text = _r.TryGetString(key, out var value) ? value : defaultName;
        return ShutdownActionNames.Parse(text) ?? throw Fail($"Unknown {key} action \"{text}\" specified");
    }

    /// <summary>
    /// A list gives one CPU set per vCPU; a string applies to every vCPU. xl reads list entries
    /// only up to the configured maxvcpus, which is still 0 here when neither vcpus nor maxvcpus
    /// was given, so then no entry is even parsed.
    /// </summary>
    private IReadOnlyList<IReadOnlySet<int>>? ReadAffinity(string key, long configuredMaxVcpus, int maxVcpus)
    {
        if (_r.TryGetList(key, out var list, dontWarn: true))
        {
            var sets = new List<IReadOnlySet<int>>();
            foreach (var item in list.Items)
            {
                if (sets.Count >= configuredMaxVcpus) break;
                if (item is not ConfigString s) break;
                sets.Add(ParseCpuRange(s.Text));
            }
            return sets;
        }
        if (_r.TryGetString(key, out var text))
        {
            var set = ParseCpuRange(text);
            return Enumerable.Repeat(set, maxVcpus).ToList();
        }
        return null;
    }

    private IReadOnlySet<int> ParseCpuRange(string text) => Accept(CpuList.Parse(text, _context.HostCpus));

    /// <summary>Prints a spec parser's warnings; its errors end the build, as xl exits on them.</summary>
    private T Accept<T>(SpecResult<T> result)
    {
        foreach (var w in result.Warnings) _messages.Add(w + "\n");
        if (!result.Ok)
        {
            foreach (var e in result.Errors) _messages.Add(e + "\n");
            throw new BuildAbortedException("", 1);
        }
        return result.Value!;
    }

    private static readonly string[] TscModes = ["default", "always_emulate", "native", "native_paravirt"];
    private static readonly string[] TimerModes =
        ["delay_for_missed_ticks", "no_delay_for_missed_ticks", "no_missed_ticks_pending", "one_missed_tick_pending"];

    private void ReadTscMode() =>
        ReadNamedMode("tsc_mode", TscModes, onString: text => Warn($"got a tsc mode string: \"{text}\""));

    private void ReadTimerMode(DomainKind kind) =>
        ReadNamedMode("timer_mode", TimerModes, onAny: () =>
        {
            if (kind == DomainKind.Pv)
            {
                throw Fail("ERROR: \"timer_mode\" option is not supported for PV guests.", ExitErrorFail);
            }
        });

    /// <summary>
    /// Options given by name, or (deprecated) by the name's index, as xl reads tsc_mode and timer_mode.
    /// </summary>
    private void ReadNamedMode(string key, string[] names, Action? onAny = null, Action<string>? onString = null)
    {
        if (_r.TryGetLong(key, out var l, dontWarn: true))
        {
            onAny?.Invoke();
            bool known = l >= 0 && l < names.Length;
            Warn($"WARNING: specifying \"{key}\" as an integer is deprecated. Please use the named parameter variant. " +
                 (known ? $"e.g. {key}=\"{names[l]}\"" : ""));
            if (!known)
            {
                throw Fail($"ERROR: invalid value {l} for \"{key}\"");
            }
        }
        else if (_r.TryGetString(key, out var text))
        {
            onAny?.Invoke();
            onString?.Invoke(text);
            if (!names.Contains(text))
            {
                throw Fail($"ERROR: invalid value \"{text}\" for \"{key}\"");
            }
        }
    }

    private void ReadAltp2m()
    {
        if (_r.TryGetLong("altp2m", out var l, dontWarn: true))
        {
            if (l is < 0 or > 3) throw Fail($"ERROR: invalid value {l} for \"altp2m\"");
        }
        else if (_r.TryGetString("altp2m", out var text) &&
                 text is not ("disabled" or "mixed" or "external" or "limited"))
        {
            throw Fail($"ERROR: invalid value \"{text}\" for \"altp2m\"");
        }
    }

    /// <summary>cmdline wins over root/extra, with xl's warning; else "root=R E", "root=R" or "E".</summary>
    private string? ReadCmdline()
    {
        string? cmdline = _r.TryGetString("cmdline", out var c) ? c : null;
        string? root = _r.TryGetString("root", out var rt) ? rt : null;
        string? extra = _r.TryGetString("extra", out var ex) ? ex : null;
        if (cmdline is not null)
        {
            if (root is not null || extra is not null)
            {
                Warn("Warning: ignoring root= and extra= in favour of cmdline=");
            }
            return cmdline;
        }
        if (root is not null && extra is not null) return $"root={root} {extra}";
        if (root is not null) return $"root={root}";
        return extra;
    }

    private IReadOnlyList<string> ReadBootloaderArgs()
    {
        if (_r.TryGetStringList("bootloader_args", out var items, dontWarn: true))
        {
            return items;
        }
        if (_r.Has("bootloader_args") && _r.TryGetString("bootloader_args", out var text))
        {
            Warn("WARNING: Specifying \"bootloader_args\" as a string is deprecated. Please use a list of arguments.");
            return text.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        }
        return [];
    }

    private (HvmOptions Hvm, string? Kernel) ReadHvmFirmware(string? kernel)
    {
        var hvm = new HvmOptions();
        if (kernel is not null && BaseName(kernel) == "hvmloader")
        {
            Warn("WARNING: you seem to be using \"kernel\" directive to override HVM guest firmware. Ignore that. " +
                 "Use \"firmware_override\" instead if you really want a non-default firmware");
            kernel = null;
        }
        if (_r.TryGetString("firmware_override", out var fo)) hvm = hvm with { Firmware = fo };
        bool biosPathOverride = _r.TryGetString("bios_path_override", out _);
        if (_r.TryGetString("bios", out var bios))
        {
            if (bios is not ("rombios" or "seabios" or "ovmf"))
            {
                throw Fail($"ERROR: invalid value \"{bios}\" for \"bios\"");
            }
            hvm = hvm with { Bios = bios };
        }
        else if (biosPathOverride)
        {
            Warn("WARNING: bios_path_override given without specific bios name");
        }

        _r.TryGetBool("pae", out var pae);
        bool hasPae = _r.Has("pae");
        _r.TryGetBool("acpi_s3", out _);
        _r.TryGetBool("acpi_s4", out _);
        _r.TryGetBool("acpi_laptop_slate", out _);
        bool hasNx = _r.TryGetBool("nx", out var nx);
        bool hasHpet = _r.TryGetBool("hpet", out var hpet);
        _r.TryGetBool("vpt_align", out _);
        bool hasApic = _r.TryGetBool("apic", out var apic);
        hvm = hvm with
        {
            Pae = !hasPae || pae,
            Nx = !hasNx || nx,
            Hpet = !hasHpet || hpet,
            Apic = !hasApic || apic,
        };

        if (_r.TryGetStringList("viridian", out var enlightenments, dontWarn: true))
        {
            foreach (var item in enlightenments)
            {
                var name = item.StartsWith('!') ? item[1..] : item;
                if (item is "all" or "defaults" || ViridianEnlightenments.Contains(name)) continue;
                throw Fail($"xl: unknown viridian enlightenment '{name}'", ExitErrorFail);
            }
        }
        else
        {
            _r.TryGetBool("viridian", out _, dontWarn: true);
        }
        if (_r.TryGetLong("mmio_hole", out var hole))
        {
            long bytes = hole * 1024 * 1024;
            if (bytes < 0x10000000L || bytes > 0xF0000000L)
            {
                throw Fail($"ERROR: invalid value {hole} for \"mmio_hole\"");
            }
        }
        if (_r.TryGetBool("altp2mhvm", out _))
        {
            Warn("WARNING: Specifying \"altp2mhvm\" is deprecated. Please use \"altp2m\" instead.");
        }
        _r.TryGetString("smbios_firmware", out _);
        _r.TryGetString("acpi_firmware", out _);
        if (_r.TryGetString("ms_vm_genid", out var genid) && genid is not ("generate" or "none"))
        {
            throw Fail("ERROR: \"ms_vm_genid\" option must be \"generate\" or \"none\"");
        }
        _r.TryGetLong("rdm_mem_boundary", out _);
        if (_r.TryGetStringList("mca_caps", out var caps, dontWarn: true))
        {
            foreach (var cap in caps)
            {
                if (cap != "lmce") throw Fail($"ERROR: unrecognized MCA capability '{cap}'.", ExitErrorFail);
            }
        }

        // firmware= is shorthand: a bios name, "uefi" (OVMF), "bios" (the default), or a path.
        if (_r.TryGetString("firmware", out var firmware))
        {
            if (firmware is "rombios" or "seabios" or "ovmf")
            {
                hvm = hvm with { Bios = firmware };
            }
            else if ("uefi".StartsWith(firmware, StringComparison.Ordinal))
            {
                hvm = hvm with { Bios = "ovmf" };
            }
            else if (!"bios".StartsWith(firmware, StringComparison.Ordinal))
            {
                hvm = hvm with { Firmware = firmware };
            }
        }
        return (hvm, kernel);
    }

    private string? ReadPvFirmware(string? kernel)
    {
        if (_r.TryGetString("firmware", out var firmware))
        {
            if (kernel is not null)
            {
                throw Fail("ERROR: both kernel and firmware specified");
            }
            if (!"pvgrub32".StartsWith(firmware, StringComparison.Ordinal) &&
                !"pvgrub64".StartsWith(firmware, StringComparison.Ordinal))
            {
                throw Fail("ERROR: only pvgrub{32|64} supported as firmware options");
            }
            kernel = $"{XenFirmwareDir}/{firmware}.bin";
        }
        return kernel;
    }

    private IReadOnlyList<DomainDisk> ReadDisks()
    {
        var disks = new List<DomainDisk>();
        if (!_r.TryGetList("disk", out var list)) return disks;
        foreach (var item in list.Items)
        {
            // xl stops at the first item that is not a plain string.
            if (item is not ConfigString s) break;
            var spec = Accept(DiskSpecParser.Parse(s.Text, _document.SourceName));
            if (!Vdev.TryParse(spec.Vdev, out var vdev))
            {
                throw Fail($"Invalid or unsupported virtual disk identifier {spec.Vdev}");
            }
            var isCdrom = spec.DevType == DiskDevType.Cdrom;
            disks.Add(new DomainDisk
            {
                Target = string.IsNullOrEmpty(spec.Target) ? null : spec.Target,
                Format = DiskFormatName(spec.Format),
                Vdev = spec.Vdev,
                Devid = vdev.Devid,
                ReadOnly = spec.Access == DiskAccess.ReadOnly,
                IsCdrom = isCdrom,
                Script = spec.Script,
                BackendType = spec.BackendType,
            });
        }
        return disks;
    }

    private static string DiskFormatName(DiskFormat format) => format switch
    {
        DiskFormat.Raw => "raw",
        DiskFormat.Qcow => "qcow",
        DiskFormat.Qcow2 => "qcow2",
        DiskFormat.Vhd => "vhd",
        DiskFormat.Qed => "qed",
        DiskFormat.Empty => "empty",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private IReadOnlyList<DomainVif> ReadVifs(DomainKind kind)
    {
        var vifs = new List<DomainVif>();
        if (!_r.TryGetList("vif", out var list)) return vifs;
        var global = _context.Global;
        var defaults = new VifDefaults(global.VifBridge, global.VifScript, global.VifGatewayDev, global.VifBackend);
        foreach (var item in list.Items)
        {
            if (item is not ConfigString s) break;
            // xl reports most bad vif tokens and carries on (the parser's warnings); a bad
            // rate, devid or mtu ends create (its errors).
            var spec = Accept(VifSpecParser.Parse(s.Text, _document.SourceName));
            var vif = DomainVifMapping.From(spec, defaults, vifs.Count, kind == DomainKind.Hvm ? "ioemu" : "vif", _context.Random);
            if (vif.Type == "ioemu" && kind != DomainKind.Hvm)
            {
                throw Fail($"vif type \"ioemu\" is only available to HVM guests (vif {vifs.Count})");
            }
            vifs.Add(vif);
        }
        return vifs;
    }

    /// <summary>vfb=[...] (PV framebuffers): the first one's VNC settings, or null when there is none.</summary>
    private VncOptions? ReadVfbs()
    {
        if (!_r.TryGetList("vfb", out var list)) return null;
        VncOptions? first = null;
        foreach (var item in list.Items)
        {
            if (item is not ConfigString s) break;
            var vnc = new VncOptions { Enabled = true };
            foreach (var raw in s.Text.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var token = raw.TrimStart(' ');
                var eq = token.IndexOf('=');
                if (eq < 0) break;
                var key = token[..eq];
                var value = token[(eq + 1)..];
                vnc = key switch
                {
                    "vnc" => vnc with { Enabled = Text.CNumber.AtoI(value) != 0 },
                    "vnclisten" => vnc with { Listen = value },
                    "vncpasswd" => vnc with { Password = value },
                    "vncdisplay" => vnc with { Display = Text.CNumber.AtoI(value) },
                    "vncunused" => vnc with { FindUnused = Text.CNumber.AtoI(value) != 0 },
                    "keymap" => vnc with { Keymap = value },
                    _ => vnc, // sdl, opengl, display, xauthority and unknown keys: ignored as xl does
                };
            }
            first ??= vnc;
        }
        return first ?? VncOptions.Disabled;
    }

    private VncOptions ReadTopLevelVnc(bool defaultEnabled)
    {
        var vnc = new VncOptions { Enabled = defaultEnabled };
        if (_r.TryGetBool("vnc", out var enabled)) vnc = vnc with { Enabled = enabled };
        if (_r.TryGetString("vnclisten", out var listen)) vnc = vnc with { Listen = listen };
        if (_r.TryGetString("vncpasswd", out var password)) vnc = vnc with { Password = password };
        if (_r.TryGetLong("vncdisplay", out var display)) vnc = vnc with { Display = (int)display };
        if (_r.TryGetBool("vncunused", out var unused)) vnc = vnc with { FindUnused = unused };
        _r.TryGetBool("sdl", out _);
        _r.TryGetBool("opengl", out _);
        _r.TryGetString("display", out _);
        _r.TryGetString("xauthority", out _);
        return vnc;
    }

    private void ReadDeviceModel(DomainKind kind)
    {
        if (_r.TryGetString("device_model", out var dm))
        {
            Warn("WARNING: ignoring device_model directive.");
            Warn("WARNING: Use \"device_model_override\" instead if you really want a non-default device_model");
            if (dm.Contains("stubdom-dm", StringComparison.Ordinal))
            {
                Warn(kind == DomainKind.Hvm
                    ? "WARNING: Or use \"device_model_stubdomain_override\" if you  want to enable stubdomains"
                    : "WARNING: ignoring \"device_model_stubdomain_override\" directive for pv guest");
            }
        }
        bool hasOverride = _r.TryGetString("device_model_override", out _);
        if (_r.TryGetString("device_model_version", out var version))
        {
            if (version is not ("qemu-xen" or "qemu-xen-traditional"))
            {
                throw Fail($"Unknown device_model_version \"{version}\" specified");
            }
        }
        else if (hasOverride)
        {
            Warn("WARNING: device model override given without specific DM version");
        }
        _r.TryGetBool("device_model_stubdomain_override", out _);
        _r.TryGetString("device_model_stubdomain_seclabel", out _);
        _r.TryGetString("device_model_user", out _);
        _r.TryGetString("stubdomain_kernel", out _);
        _r.TryGetString("stubdomain_ramdisk", out _);
        _r.TryGetLong("stubdomain_memory", out _);
        foreach (var suffix in new[] { "", "_pv", "_hvm" })
        {
            var key = "device_model_args" + suffix;
            if (_r.Has(key) && !_r.TryGetStringList(key, out _))
            {
                throw Fail($"xl: Unable to parse {key}.", ExitErrorFail);
            }
        }
    }

    private HvmOptions ReadHvmDevices(HvmOptions hvm, long? videoram, VncOptions vnc, out string? keymap)
    {
        if (_r.TryGetString("vga", out var vga))
        {
            if (vga is not ("stdvga" or "cirrus" or "none" or "qxl"))
            {
                throw Fail($"Unknown vga \"{vga}\" specified");
            }
            hvm = hvm with { Vga = vga };
        }
        else if (_r.TryGetLong("stdvga", out var stdvga))
        {
            hvm = hvm with { Vga = stdvga != 0 ? "stdvga" : "cirrus" };
        }

        if (_r.TryGetString("hdtype", out var hdtype))
        {
            if (hdtype is not ("ide" or "ahci"))
            {
                throw Fail($"ERROR: invalid value \"{hdtype}\" for \"hdtype\"");
            }
            hvm = hvm with { HdType = hdtype };
        }

        keymap = _r.TryGetString("keymap", out var km) ? km : null;
        _r.TryGetBool("spice", out _);
        _r.TryGetLong("spiceport", out _);
        _r.TryGetLong("spicetls_port", out _);
        _r.TryGetString("spicehost", out _);
        _r.TryGetBool("spicedisable_ticketing", out _);
        _r.TryGetString("spicepasswd", out _);
        _r.TryGetBool("spiceagent_mouse", out _);
        _r.TryGetBool("spicevdagent", out _);
        _r.TryGetBool("spice_clipboard_sharing", out _);
        _r.TryGetLong("spiceusbredirection", out _);
        _r.TryGetString("spice_image_compression", out _);
        _r.TryGetString("spice_streaming_video", out _);
        bool nographic = _r.TryGetBool("nographic", out var ng) && ng;

        if (!_r.TryGetLong("gfx_passthru", out _, dontWarn: true) &&
            _r.TryGetString("gfx_passthru", out var gfx) && gfx is not ("default" or "igd"))
        {
            throw Fail($"ERROR: invalid value \"{gfx}\" for \"gfx_passthru\"");
        }

        var serial = ReadListOrString("serial");

        var boot = _r.TryGetString("boot", out var b) ? b : hvm.Boot;
        bool usb = _r.TryGetBool("usb", out var u) && u;
        _r.TryGetLong("usbversion", out _);
        var usbDevices = ReadListOrString("usbdevice");
        _r.TryGetBool("vkb_device", out _);
        string? soundhw = _r.TryGetString("soundhw", out var sh) ? sh : null;
        bool platformPci = !_r.TryGetBool("xen_platform_pci", out var xpp) || xpp;

        if (vnc.Display is > 0 && vnc.Listen.Contains(':', StringComparison.Ordinal))
        {
            throw Fail("ERROR: Display specified both in vnclisten and vncdisplay!");
        }
        if (_r.TryGetString("vendor_device", out var vendor) && vendor is not ("none" or "xenserver"))
        {
            throw Fail($"xl: unknown vendor_device '{vendor}'", ExitErrorFail);
        }

        foreach (var c in boot)
        {
            if (c is not ('a' or 'b' or 'c' or 'd' or 'n'))
            {
                throw Fail($"xl: invalid boot device '{c}' in boot=\"{boot}\" (use c for disk, d for CD-ROM, n for network)");
            }
        }

        return hvm with
        {
            Boot = boot,
            VideoRamMiB = videoram,
            Serial = serial,
            Nographic = nographic,
            Usb = usb,
            UsbDevices = usbDevices,
            SoundHw = soundhw,
            XenPlatformPci = platformPci,
            Keymap = keymap,
        };
    }

    /// <summary>Options given as a list of strings or, equally, as one string (serial, usbdevice).</summary>
    private IReadOnlyList<string> ReadListOrString(string key)
    {
        if (_r.TryGetStringList(key, out var items, dontWarn: true)) return items;
        if (!_r.Has(key)) return [];
        if (!_r.TryGetString(key, out var text))
        {
            throw Fail($"xl: Unable to parse {key}.", ExitErrorFail);
        }
        return [text];
    }

    private static string BaseName(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? trimmed : trimmed[(slash + 1)..];
    }

    /// <summary>libxl_uuid_from_string: exactly 8-4-4-4-12 hex digits.</summary>
    internal static bool TryParseXenUuid(string text, out Guid uuid)
    {
        uuid = Guid.Empty;
        if (text.Length != 36) return false;
        for (int i = 0; i < 36; i++)
        {
            bool dash = i is 8 or 13 or 18 or 23;
            if (dash ? text[i] != '-' : !char.IsAsciiHexDigit(text[i])) return false;
        }
        return Guid.TryParseExact(text, "D", out uuid);
    }

    /// <summary>A random (version 4) UUID from the given source, so tests can fix it.</summary>
    internal static Guid RandomUuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
