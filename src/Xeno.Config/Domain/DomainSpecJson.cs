using System.Text;
using System.Text.Json;

namespace Xeno.Config.Domain;

/// <summary>
/// The JSON form of a <see cref="DomainSpec"/> printed by `xl -N create` (schema in
/// docs/domain-json.md). Keys are written in a fixed order so the output is stable.
/// </summary>
public static class DomainSpecJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(DomainSpec spec)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            WriteSpec(w, spec);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteSpec(Utf8JsonWriter w, DomainSpec s)
    {
        w.WriteStartObject();
        w.WriteString("name", s.Name);
        w.WriteString("type", s.Kind.ToXenName());
        w.WriteString("uuid", s.Uuid.ToString("D"));
        w.WriteNumber("memory", s.MemoryMiB);
        w.WriteNumber("maxmem", s.MaxMemMiB);
        w.WriteNumber("vcpus", s.Vcpus);
        w.WriteNumber("maxvcpus", s.MaxVcpus);
        WriteAffinity(w, "cpus", s.CpuAffinity);
        WriteAffinity(w, "cpus_soft", s.CpuSoftAffinity);
        w.WriteNumber("cpu_weight", s.CpuWeight);
        w.WriteNumber("cap", s.Cap);
        WriteNullable(w, "pool", s.Pool);
        w.WriteString("on_poweroff", s.OnPoweroff.ToXenName());
        w.WriteString("on_reboot", s.OnReboot.ToXenName());
        w.WriteString("on_watchdog", s.OnWatchdog.ToXenName());
        w.WriteString("on_crash", s.OnCrash.ToXenName());
        w.WriteString("on_soft_reset", s.OnSoftReset.ToXenName());
        WriteNullable(w, "kernel", s.Kernel);
        WriteNullable(w, "ramdisk", s.Ramdisk);
        WriteNullable(w, "cmdline", s.Cmdline);
        WriteNullable(w, "bootloader", s.Bootloader);
        w.WriteStartArray("bootloader_args");
        foreach (var a in s.BootloaderArgs) w.WriteStringValue(a);
        w.WriteEndArray();
        WriteNullable(w, "boot", s.Hvm?.Boot);
        w.WriteString("accel", s.Accel);
        WriteVnc(w, s.Vnc);
        if (s.Hvm is null)
        {
            w.WriteNull("hvm");
        }
        else
        {
            WriteHvm(w, s.Hvm);
        }

        w.WriteStartArray("disks");
        foreach (var d in s.Disks)
        {
            w.WriteStartObject();
            WriteNullable(w, "target", d.Target);
            w.WriteString("format", d.Format);
            w.WriteString("vdev", d.Vdev);
            w.WriteNumber("devid", d.Devid);
            w.WriteString("access", d.ReadOnly ? "ro" : "rw");
            w.WriteString("devtype", d.IsCdrom ? "cdrom" : "disk");
            WriteNullable(w, "script", d.Script);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("vifs");
        foreach (var v in s.Vifs)
        {
            w.WriteStartObject();
            w.WriteNumber("devid", v.Devid);
            w.WriteString("mac", v.Mac);
            w.WriteString("bridge", v.Bridge);
            WriteNullable(w, "ip", v.Ip);
            w.WriteString("script", v.Script);
            w.WriteString("type", v.Type);
            w.WriteString("model", v.Model);
            WriteNullable(w, "vifname", v.VifName);
            if (v.RateBytesPerInterval is { } bytes && v.RateIntervalUsecs is { } usecs)
            {
                w.WriteStartObject("rate");
                w.WriteNumber("bytes_per_interval", bytes);
                w.WriteNumber("interval_usecs", usecs);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("rate");
            }
            if (v.Mtu is { } mtu) w.WriteNumber("mtu", mtu); else w.WriteNull("mtu");
            WriteNullable(w, "gatewaydev", v.GatewayDev);
            WriteNullable(w, "backend", v.Backend);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteHvm(Utf8JsonWriter w, HvmOptions h)
    {
        w.WriteStartObject("hvm");
        w.WriteString("bios", h.Bios);
        WriteNullable(w, "firmware", h.Firmware);
        w.WriteString("hdtype", h.HdType);
        w.WriteString("vga", h.Vga);
        if (h.VideoRamMiB is { } vram) w.WriteNumber("videoram", vram); else w.WriteNull("videoram");
        w.WriteStartArray("serial");
        foreach (var s in h.Serial) w.WriteStringValue(s);
        w.WriteEndArray();
        w.WriteBoolean("acpi", h.Acpi);
        w.WriteBoolean("apic", h.Apic);
        w.WriteBoolean("pae", h.Pae);
        w.WriteBoolean("nx", h.Nx);
        w.WriteBoolean("hpet", h.Hpet);
        w.WriteBoolean("usb", h.Usb);
        w.WriteStartArray("usbdevice");
        foreach (var d in h.UsbDevices) w.WriteStringValue(d);
        w.WriteEndArray();
        WriteNullable(w, "soundhw", h.SoundHw);
        w.WriteBoolean("xen_platform_pci", h.XenPlatformPci);
        w.WriteBoolean("nographic", h.Nographic);
        w.WriteEndObject();
    }

    private static void WriteVnc(Utf8JsonWriter w, VncOptions v)
    {
        w.WriteStartObject("vnc");
        w.WriteBoolean("enabled", v.Enabled);
        w.WriteString("listen", v.Listen);
        if (v.Display is { } d) w.WriteNumber("display", d); else w.WriteNull("display");
        w.WriteBoolean("findunused", v.FindUnused);
        // The password itself stays out of the output; whether there is one is what matters here.
        w.WriteBoolean("password_set", !string.IsNullOrEmpty(v.Password));
        WriteNullable(w, "keymap", v.Keymap);
        w.WriteEndObject();
    }

    private static void WriteAffinity(Utf8JsonWriter w, string key, IReadOnlyList<IReadOnlySet<int>>? affinity)
    {
        if (affinity is null)
        {
            w.WriteNull(key);
            return;
        }
        w.WriteStartArray(key);
        foreach (var set in affinity) w.WriteStringValue(CpuRanges.Format(set));
        w.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter w, string key, string? value)
    {
        if (value is null) w.WriteNull(key); else w.WriteString(key, value);
    }
}

/// <summary>Formats a CPU set the way xl prints bitmaps: "all"-free ranges such as "0-3,6".</summary>
public static class CpuRanges
{
    public static string Format(IReadOnlySet<int> cpus)
    {
        if (cpus.Count == 0) return "none";
        var sorted = cpus.OrderBy(c => c).ToArray();
        var sb = new StringBuilder();
        for (int i = 0; i < sorted.Length;)
        {
            int start = sorted[i], end = start;
            while (i + 1 < sorted.Length && sorted[i + 1] == end + 1) end = sorted[++i];
            i++;
            if (sb.Length > 0) sb.Append(',');
            sb.Append(start);
            if (end != start) sb.Append('-').Append(end);
        }
        return sb.ToString();
    }
}
