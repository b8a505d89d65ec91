using Xeno.Panel.Data;

namespace Xeno.Panel.Tests.Data;

/// <summary>The tables of the info page's features: CD catalogue, boot modes, extra disks, usage samples.</summary>
public sealed class VmFeatureStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xpf-").FullName;
    private readonly PanelDatabase _db;
    private readonly PanelUser _ann;
    private readonly PanelVm _vm;

    public VmFeatureStoreTests()
    {
        _db = new PanelDatabase(Path.Combine(_dir, "panel.db"));
        _db.Migrate();
        _ann = new Users(_db).Add("ann", "h", Role.Owner)!;
        var host = new Hosts(_db).EnsureLocal("/run/xeno/xenod.sock");
        _vm = new VmRecords(_db).Add("web", _ann.Id, host.Id, VmType.Pv, 128, 1, 2, "/d/web.img", "k")!;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheNewTablesAreThere()
    {
        using var c = _db.Open();
        var tables = Db.Query(c, "SELECT name FROM sqlite_master WHERE type = 'table'", r => r.GetString(0));
        foreach (var t in new[] { "cd_images", "vm_boot", "vm_disks", "usage_samples" })
            Assert.Contains(t, tables);
        Assert.Contains(Migrations.All, m => m.Version == 20);
        Assert.Equal(Migrations.All.Count, Migrations.All.Select(m => m.Version).Distinct().Count());
    }

    [Fact]
    public void CatalogueNamesAreUniqueAndAnImageInUseIsCounted()
    {
        var images = new CdImages(_db);
        var iso = images.Add("debian.iso", "/srv/d.iso", 1234, "abcd", false, "root")!;
        Assert.Null(images.Add("debian.iso", "/srv/other.iso", 1, "ef", true, "root"));
        Assert.Equal(["debian.iso"], images.All().Select(i => i.Name));
        Assert.Equal(iso, images.Get(iso.Id));
        Assert.False(iso.Uploaded);
        var boots = new VmBootRecords(_db);
        Assert.Equal(VmBoot.Normal, boots.Get(_vm.Id));
        boots.Set(_vm.Id, new VmBoot(BootMode.Cd, iso.Id));
        Assert.Equal(new VmBoot(BootMode.Cd, iso.Id), boots.Get(_vm.Id));
        Assert.Equal(1, images.UsedBy(iso.Id));
        boots.Set(_vm.Id, new VmBoot(BootMode.Rescue, null));
        Assert.Equal(new VmBoot(BootMode.Rescue, null), boots.Get(_vm.Id));
        Assert.Equal(0, images.UsedBy(iso.Id));
    }

    [Fact]
    public void ExtraDisksCountAgainstTheDiskQuota()
    {
        var vms = new VmRecords(_db);
        var disks = new VmDiskRecords(_db);
        Assert.Equal(new Usage(1, 128, 1, 2), vms.UsageOf(_ann.Id));
        var b = disks.Add(_vm.Id, 1, 3, "/d/web-b.img");
        disks.Add(_vm.Id, 2, 4, "/d/web-c.img");
        Assert.Equal(new Usage(1, 128, 1, 9), vms.UsageOf(_ann.Id));
        Assert.Equal(7, disks.GibOfOwner(_ann.Id));
        disks.Remove(b.Id);
        Assert.Equal([2], disks.Of(_vm.Id).Select(d => d.Index));
        new VmSettingsRecords(_db).SetResources(_vm.Id, 256, 2);
        new VmSettingsRecords(_db).SetType(_vm.Id, VmType.Hvm, null);
        var changed = vms.Get(_vm.Id)!;
        Assert.Equal((VmType.Hvm, 256, 2, (string?)null), (changed.Type, changed.MemoryMib, changed.Vcpus, changed.Kernel));
    }

    [Fact]
    public void UsageSamplesArePrunedByAge()
    {
        var samples = new UsageSamples(_db);
        for (long t = 0; t < 10; t++)
            samples.Add(_vm.Id, new UsageSample(1000 + t * 10, t, t, t));
        samples.Add(_vm.Id, new UsageSample(1090, 99, 99, 99));   // the same second again replaces it
        Assert.Equal(10, samples.Count());
        Assert.Equal(99, samples.Since(_vm.Id, 1090).Single().CpuNs);
        Assert.Equal(5, samples.Prune(1050));
        Assert.Equal([1050L, 1060, 1070, 1080, 1090], samples.Since(_vm.Id, 0).Select(s => s.Time));
    }
}
