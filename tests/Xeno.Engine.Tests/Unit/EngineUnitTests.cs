using System.Text.Json;
using Xeno.Config.Domain;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Qemu.Acceleration;
using Xeno.Qemu.Machine;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Tests.Unit;

/// <summary>The engine's pure parts: domain → machine mapping, state letters, QMP reasons, runtime records.</summary>
public sealed class EngineUnitTests
{
    private static readonly RuntimeFiles Files = new EnginePaths("/p").FilesFor(3, "x");

    [Fact]
    public void PvMapsToDirectBootWithVirtioDisks()
    {
        var m = MachineMapper.Map(Specs.From(Specs.Samples[0]), Files, Accelerator.Tcg, startPaused: true, ovmfVars: null);
        Assert.Equal(GuestKind.Pv, m.Kind);
        // Under TCG the kernel skips its 8254 probe (EmulatedTimerArgs); the domain keeps its own cmdline.
        Assert.Equal(new DirectBoot("/k", "/r", "console=hvc0 no_timer_check"), m.DirectBoot);
        // Each disk is named by its Xen device number (xvda = 51712), so QMP finds it later (block-detach).
        Assert.Equal([new DiskSpec("/d.img", DiskFormat.Raw, DiskBus.Virtio, DiskMedia.Disk, false, Id: "vbd51712")], m.Disks);
        Assert.True(m.StartPaused);
        Assert.Equal("/p/run/xeno/d3/qmp", m.Files.QmpSocket);
        Assert.Equal("/p/var/log/xeno/console/x.log", m.Files.ConsoleLog);
    }

    [Fact]
    public void HvmMapsVdevsToBusesBootOrderAndVnc()
    {
        var spec = Specs.From(Specs.Samples[1]);
        var m = MachineMapper.Map(spec, Files, Accelerator.Tcg, false, null);
        Assert.Equal(GuestKind.Hvm, m.Kind);
        Assert.Equal(
            [
                // In vdev order (hda, xvdb, hdc: disk index 0, 1, 2), as GuestDiskOrder sorts them.
                new DiskSpec("/a.qcow2", DiskFormat.Qcow2, DiskBus.Ahci, DiskMedia.Disk, false, 0, "vbd768"),
                new DiskSpec("/x", DiskFormat.Raw, DiskBus.Virtio, DiskMedia.Disk, true, Id: "vbd51728"),
                new DiskSpec("/cd.iso", DiskFormat.Raw, DiskBus.Ahci, DiskMedia.Cdrom, true, 2, "vbd5632"),
            ], m.Disks);
        Assert.Equal([BootDevice.Cdrom, BootDevice.Disk], m.BootOrder);
        Assert.Equal(new VncSpec("127.0.0.1", 3, true), m.Vnc);
        Assert.Equal(2, m.Vcpus);
        Assert.Equal(4, m.MaxVcpus);
        // The argument vector builds (QEMU's own rules hold).
        Assert.Contains("ahci,id=ahci0", QemuCommandLine.Build(m).Arguments);
    }

    [Fact]
    public void VifsMapToNicsOnTapsNamedAfterTheDomidAndHvmIgnoresBootloaders()
    {
        var m = MachineMapper.Map(Specs.From(Specs.Samples[2]), Files, Accelerator.Tcg, false, null, domid: 3);
        Assert.Equal([new NicSpec(0, "vif3.0", "00:16:3e:00:00:01", "virtio-net-pci")], m.Nics);
        // The taps' names need the domid: mapping vifs without one is a programming error.
        Assert.Throws<ArgumentException>(() => MachineMapper.Map(Specs.From(Specs.Samples[2]), Files, Accelerator.Tcg, false, null));
        // libxl skips the bootloader for hvm (pv and pvh run it before mapping: Bootloader/PygrubBoot).
        var hvm = Specs.From("name=\"h\"\ntype=\"hvm\"\nmemory=64\nbootloader=\"pygrub\"\ndisk=['/d.img,raw,hda,rw']\n");
        Assert.Null(MachineMapper.Map(hvm, Files, Accelerator.Tcg, false, null).DirectBoot);
    }

    [Theory]
    [InlineData(DomainPhase.Running, false, null, true, "r-----")]
    [InlineData(DomainPhase.Running, false, null, false, "-b----")]
    [InlineData(DomainPhase.Running, true, null, false, "--p---")]
    [InlineData(DomainPhase.Shutdown, false, ShutdownReason.Crash, false, "---sc-")]
    [InlineData(DomainPhase.Shutdown, false, ShutdownReason.Poweroff, false, "---s--")]
    [InlineData(DomainPhase.Shutdown, false, ShutdownReason.Reboot, false, "---sr-")]
    [InlineData(DomainPhase.Dying, false, null, false, "-----d")]
    public void StateLettersFollowXlList(DomainPhase phase, bool paused, ShutdownReason? reason, bool vcpuRunning, string letters)
    {
        var snap = new DomainSnapshot(1, "x", Specs.From(Specs.Samples[0]), phase, paused, reason, DateTimeOffset.UnixEpoch, Files, 1,
            TimeSpan.Zero, [new VcpuInfo(0, vcpuRunning, TimeSpan.Zero, 0)]);
        Assert.Equal(letters, snap.StateLetters);
    }

    [Theory]
    [InlineData("guest-shutdown", ShutdownReason.Poweroff)]
    [InlineData("guest-reset", ShutdownReason.Reboot)]
    [InlineData("host-qmp-system-reset", ShutdownReason.Reboot)]
    [InlineData("guest-panic", ShutdownReason.Crash)]
    [InlineData("host-qmp-quit", null)]
    [InlineData("host-signal", null)]
    public void QmpShutdownReasonsMapToXenReasons(string reason, ShutdownReason? expected)
    {
        using var doc = JsonDocument.Parse($"{{\"guest\":true,\"reason\":\"{reason}\"}}");
        Assert.Equal(expected, DomainEngine.ReasonOf(new QmpEvent("SHUTDOWN", doc.RootElement.Clone(), DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void RuntimeRecordsRoundTripAndDamageIsNamed()
    {
        var spec = Specs.From(Specs.Samples[1]);
        var record = new RuntimeRecord(4, "renamed", spec, Files, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), true,
            DomainPhase.Shutdown, ShutdownReason.Crash);
        var back = RuntimeRecord.FromJson(record.ToJson());
        Assert.Equal(record with { Spec = back.Spec, SoftAffinity = back.SoftAffinity }, back);
        Assert.Empty(back.SoftAffinity);

        // Memory, soft affinity and the VNC password survive a daemon restart through the record.
        var tuned = record with { TargetKb = 100_000, MaxMemKb = 524_288, SoftAffinity = [null, new SortedSet<int> { 0, 2, 3 }], VncPassword = "s3cret" };
        var tunedBack = RuntimeRecord.FromJson(tuned.ToJson());
        Assert.Equal((100_000L, 524_288L, "s3cret"), (tunedBack.TargetKb!.Value, tunedBack.MaxMemKb!.Value, tunedBack.VncPassword!));
        Assert.Null(tunedBack.SoftAffinity[0]);
        Assert.Equal([0, 2, 3], tunedBack.SoftAffinity[1]!.Order());
        Assert.Throws<InvalidDataException>(() => RuntimeRecord.FromJson(tuned.ToJson().Replace("\"0,2-3\"", "\"2-0\"", StringComparison.Ordinal)));
        Assert.Equal(DomainSpecJson.Write(spec), DomainSpecJson.Write(back.Spec));
        var e = Assert.Throws<InvalidDataException>(() => RuntimeRecord.FromJson(record.ToJson().Replace("\"domid\":4", "\"domid\":\"x\"", StringComparison.Ordinal)));
        Assert.StartsWith("damaged runtime record: ", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => RuntimeRecord.FromJson("{"));
    }

    [Fact]
    public void SharedDisksAreRefusedUnlessEveryUserReadsOnly()
    {
        var dir = Directory.CreateTempSubdirectory("xe-disk-").FullName;
        try
        {
            var img = Path.Combine(dir, "d.img");
            File.WriteAllBytes(img, new byte[512]);
            DomainSpec With(string access) => Specs.From($"name=\"a\"\ntype=\"pv\"\nmemory=64\nkernel=\"/k\"\ndisk=['{img},raw,xvda,{access}']\n");
            HostFiles.CheckDisks(With("ro"), [(1, "other", With("ro"))]);
            var e = Assert.Throws<EngineException>(() => HostFiles.CheckDisks(With("ro"), [(1, "other", With("rw"))]));
            Assert.Equal(EngineErrorKind.Conflict, e.Kind);
            Assert.Throws<EngineException>(() => HostFiles.CheckDisks(With("rw"), [(2, "b", With("ro"))]));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

/// <summary>The xenstore nodes of a domain, as libxl lays them out.</summary>
public sealed class DomainStoreNodesTests
{
    [Fact]
    public void NodesFollowLibxlLayout()
    {
        var spec = Xeno.Engine.Tests.Unit.Specs.From(Xeno.Engine.Tests.Unit.Specs.Samples[1]);
        var nodes = Xeno.Engine.Store.DomainStoreNodes.For(7, "h", spec, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250))
            .ToDictionary(n => n.Path, n => n.Value);
        var vm = $"/vm/{spec.Uuid:D}";
        Assert.Equal("h", nodes["/local/domain/7/name"]);
        Assert.Equal("7", nodes["/local/domain/7/domid"]);
        Assert.Equal(vm, nodes["/local/domain/7/vm"]);
        Assert.Equal("1700000000.25", nodes[vm + "/start_time"]);
        Assert.Equal("524288", nodes["/local/domain/7/memory/target"]);
        Assert.Equal("online", nodes["/local/domain/7/cpu/1/availability"]);
        Assert.Equal("offline", nodes["/local/domain/7/cpu/3/availability"]);
        Assert.Equal("hvm", nodes["/libxl/7/type"]);
        // hda = 768, hdc = 5632 (cdrom, read-only), xvdb = 51728.
        Assert.Equal("/local/domain/0/backend/vbd/7/768", nodes["/local/domain/7/device/vbd/768/backend"]);
        Assert.Equal("cdrom", nodes["/local/domain/7/device/vbd/5632/device-type"]);
        Assert.Equal("r", nodes["/local/domain/0/backend/vbd/7/5632/mode"]);
        Assert.Equal("w", nodes["/local/domain/0/backend/vbd/7/768/mode"]);
        Assert.Equal("xvdb", nodes["/local/domain/0/backend/vbd/7/51728/dev"]);
        Assert.Equal(["/local/domain/7", vm, "/libxl/7", "/local/domain/0/backend/vbd/7", "/local/domain/0/backend/vif/7"],
            Xeno.Engine.Store.DomainStoreNodes.Roots(7, spec));
    }
}
