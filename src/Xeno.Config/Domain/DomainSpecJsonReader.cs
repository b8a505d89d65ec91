using System.Text.Json;

namespace Xeno.Config.Domain;

/// <summary>A JSON document that is not a domain written by <see cref="DomainSpecJson"/>; names the key.</summary>
public sealed class DomainSpecJsonException : Exception
{
    public DomainSpecJsonException(string path, string message) : base($"domain JSON: {path}: {message}")
    {
        Path = path;
    }

    public DomainSpecJsonException(string message, Exception inner) : base($"domain JSON: {message}", inner)
    {
        Path = "";
    }

    /// <summary>Where in the document the problem is, e.g. "disks[1].vdev".</summary>
    public string Path { get; }
}

/// <summary>
/// Reads the JSON that <see cref="DomainSpecJson.Write"/> produces back into a <see cref="DomainSpec"/>
/// (xl sends it to xenod this way). The VNC password is not part of that JSON and comes back unset.
/// Every malformed input ends in <see cref="DomainSpecJsonException"/>.
/// </summary>
public static class DomainSpecJsonReader
{
    public static DomainSpec Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new DomainSpecJsonException($"not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            return Read(doc.RootElement);
        }
    }

    public static DomainSpec Read(JsonElement root)
    {
        var o = new Obj(root, "");
        var kind = o.Str("type") switch
        {
            "pv" => DomainKind.Pv,
            "pvh" => DomainKind.Pvh,
            "hvm" => DomainKind.Hvm,
            var other => throw new DomainSpecJsonException("type", $"unknown guest type '{other}'"),
        };
        if (!Guid.TryParse(o.Str("uuid"), out var uuid))
            throw new DomainSpecJsonException("uuid", "is not a UUID");
        string name = o.Str("name");
        if (name.Length == 0)
            throw new DomainSpecJsonException("name", "is empty");
        var hvmElement = o.Get("hvm");
        HvmOptions? hvm = hvmElement.ValueKind == JsonValueKind.Null ? null : ReadHvm(new Obj(hvmElement, "hvm"), o.OptStr("boot"));
        var accel = o.Str("accel");
        if (!AccelNames.IsValid(accel))
            throw new DomainSpecJsonException("accel", $"unknown accelerator '{accel}'");

        return new DomainSpec
        {
            Name = name,
            Kind = kind,
            Uuid = uuid,
            MemoryMiB = o.Long("memory"),
            MaxMemMiB = o.Long("maxmem"),
            Vcpus = o.Int("vcpus"),
            MaxVcpus = o.Int("maxvcpus"),
            CpuAffinity = ReadAffinity(o, "cpus"),
            CpuSoftAffinity = ReadAffinity(o, "cpus_soft"),
            CpuWeight = o.Int("cpu_weight"),
            Cap = o.Int("cap"),
            Pool = o.OptStr("pool"),
            OnPoweroff = Action(o, "on_poweroff"),
            OnReboot = Action(o, "on_reboot"),
            OnWatchdog = Action(o, "on_watchdog"),
            OnCrash = Action(o, "on_crash"),
            OnSoftReset = Action(o, "on_soft_reset"),
            Kernel = o.OptStr("kernel"),
            Ramdisk = o.OptStr("ramdisk"),
            Cmdline = o.OptStr("cmdline"),
            Bootloader = o.OptStr("bootloader"),
            BootloaderArgs = o.StrArray("bootloader_args"),
            Accel = accel,
            Vnc = ReadVnc(new Obj(o.Get("vnc"), "vnc")),
            Hvm = hvm,
            Disks = o.Array("disks").Select(ReadDisk).ToList(),
            Vifs = o.Array("vifs").Select(ReadVif).ToList(),
        };
    }

    private static ShutdownAction Action(Obj o, string key)
    {
        var text = o.Str(key);
        return ShutdownActionNames.Parse(text) ?? throw new DomainSpecJsonException(key, $"unknown action '{text}'");
    }

    private static IReadOnlyList<IReadOnlySet<int>>? ReadAffinity(Obj o, string key)
    {
        var e = o.Get(key);
        if (e.ValueKind == JsonValueKind.Null)
            return null;
        var list = new List<IReadOnlySet<int>>();
        int i = 0;
        foreach (var text in o.StrArray(key))
        {
            list.Add(ParseRanges(text, $"{key}[{i++}]"));
        }
        return list;
    }

    /// <summary>The inverse of <see cref="CpuRanges.Format"/>: "none" or "0-3,6".</summary>
    private static HashSet<int> ParseRanges(string text, string path)
    {
        var set = new HashSet<int>();
        if (text == "none")
            return set;
        foreach (var part in text.Split(','))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var a = dash < 0 ? part : part[..dash];
            var b = dash < 0 ? part : part[(dash + 1)..];
            if (!int.TryParse(a, System.Globalization.NumberStyles.None, null, out var from)
                || !int.TryParse(b, System.Globalization.NumberStyles.None, null, out var to)
                || to < from || to - from > 65536)
                throw new DomainSpecJsonException(path, $"'{text}' is not a CPU list");
            for (int c = from; c <= to; c++)
                set.Add(c);
        }
        return set;
    }

    private static HvmOptions ReadHvm(Obj h, string? boot) => new()
    {
        Boot = boot ?? "cda",
        Bios = h.Str("bios"),
        Firmware = h.OptStr("firmware"),
        HdType = h.Str("hdtype"),
        Vga = h.Str("vga"),
        VideoRamMiB = h.OptLong("videoram"),
        Serial = h.StrArray("serial"),
        Acpi = h.Bool("acpi"),
        Apic = h.Bool("apic"),
        Pae = h.Bool("pae"),
        Nx = h.Bool("nx"),
        Hpet = h.Bool("hpet"),
        Usb = h.Bool("usb"),
        UsbDevices = h.StrArray("usbdevice"),
        SoundHw = h.OptStr("soundhw"),
        XenPlatformPci = h.Bool("xen_platform_pci"),
        Nographic = h.Bool("nographic"),
    };

    private static VncOptions ReadVnc(Obj v) => new()
    {
        Enabled = v.Bool("enabled"),
        Listen = v.Str("listen"),
        Display = v.OptInt("display"),
        FindUnused = v.Bool("findunused"),
        Keymap = v.OptStr("keymap"),
    };

    private static DomainDisk ReadDisk(Obj d)
    {
        var access = d.Str("access");
        if (access is not ("ro" or "rw"))
            throw new DomainSpecJsonException(d.At("access"), $"must be ro or rw, not '{access}'");
        var devtype = d.Str("devtype");
        if (devtype is not ("disk" or "cdrom"))
            throw new DomainSpecJsonException(d.At("devtype"), $"must be disk or cdrom, not '{devtype}'");
        return new DomainDisk
        {
            Target = d.OptStr("target"),
            Format = d.Str("format"),
            Vdev = d.Str("vdev"),
            Devid = d.Int("devid"),
            ReadOnly = access == "ro",
            IsCdrom = devtype == "cdrom",
            Script = d.OptStr("script"),
        };
    }

    private static DomainVif ReadVif(Obj v)
    {
        long? bytes = null, usecs = null;
        var rate = v.Get("rate");
        if (rate.ValueKind != JsonValueKind.Null)
        {
            var r = new Obj(rate, v.At("rate"));
            bytes = r.Long("bytes_per_interval");
            usecs = r.Long("interval_usecs");
        }
        return new DomainVif
        {
            Devid = v.Int("devid"),
            Mac = v.Str("mac"),
            Bridge = v.Str("bridge"),
            Ip = v.OptStr("ip"),
            Script = v.Str("script"),
            Type = v.Str("type"),
            Model = v.Str("model"),
            VifName = v.OptStr("vifname"),
            RateBytesPerInterval = bytes,
            RateIntervalUsecs = usecs,
            Mtu = v.OptInt("mtu"),
            GatewayDev = v.OptStr("gatewaydev"),
            Backend = v.OptStr("backend"),
        };
    }

    /// <summary>An object at a path, with typed getters that name the key on error.</summary>
    private readonly struct Obj
    {
        private readonly JsonElement _e;
        private readonly string _path;

        public Obj(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Object)
                throw new DomainSpecJsonException(path.Length == 0 ? "(root)" : path, "must be an object");
            _e = e;
            _path = path;
        }

        public string At(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

        public JsonElement Get(string key) =>
            _e.TryGetProperty(key, out var v) ? v : throw new DomainSpecJsonException(At(key), "is missing");

        public string Str(string key) => OptStr(key) ?? throw new DomainSpecJsonException(At(key), "must be a string, not null");

        public string? OptStr(string key)
        {
            var v = Get(key);
            return v.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => Text(v, At(key)),
                _ => throw new DomainSpecJsonException(At(key), $"must be a string, not {v.ValueKind.ToString().ToLowerInvariant()}"),
            };
        }

        /// <summary>A string value; an escaped lone surrogate ("\ud800") is valid JSON but no text.</summary>
        private static string Text(JsonElement v, string path)
        {
            try
            {
                return v.GetString()!;
            }
            catch (InvalidOperationException)
            {
                throw new DomainSpecJsonException(path, "is not valid text (an unpaired UTF-16 surrogate)");
            }
        }

        public long Long(string key) => OptLong(key) ?? throw new DomainSpecJsonException(At(key), "must be a number, not null");

        public long? OptLong(string key)
        {
            var v = Get(key);
            if (v.ValueKind == JsonValueKind.Null)
                return null;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n))
                throw new DomainSpecJsonException(At(key), "must be an integer");
            return n;
        }

        public int Int(string key) => OptInt(key) ?? throw new DomainSpecJsonException(At(key), "must be a number, not null");

        public int? OptInt(string key)
        {
            var n = OptLong(key);
            if (n is { } value && (value < int.MinValue || value > int.MaxValue))
                throw new DomainSpecJsonException(At(key), "is out of range");
            return (int?)n;
        }

        public bool Bool(string key)
        {
            var v = Get(key);
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new DomainSpecJsonException(At(key), "must be true or false"),
            };
        }

        public IReadOnlyList<string> StrArray(string key)
        {
            var list = new List<string>();
            int i = 0;
            foreach (var item in ArrayOf(key))
            {
                if (item.ValueKind != JsonValueKind.String)
                    throw new DomainSpecJsonException($"{At(key)}[{i}]", "must be a string");
                list.Add(Text(item, $"{At(key)}[{i}]"));
                i++;
            }
            return list;
        }

        public IEnumerable<Obj> Array(string key)
        {
            var list = new List<Obj>();
            int i = 0;
            foreach (var item in ArrayOf(key))
                list.Add(new Obj(item, $"{At(key)}[{i++}]"));
            return list;
        }

        private JsonElement.ArrayEnumerator ArrayOf(string key)
        {
            var v = Get(key);
            if (v.ValueKind != JsonValueKind.Array)
                throw new DomainSpecJsonException(At(key), "must be an array");
            return v.EnumerateArray();
        }
    }
}
