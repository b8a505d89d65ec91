using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Tests.Vms;

public sealed class VmSettingsFormTests
{
    private static readonly KernelChoice[] Kernels = [new() { Name = "kit", Kernel = "/k/vmlinuz" }];
    private static readonly CdImage[] Catalogue = [new(7, "debian-12.iso", "/srv/iso/d.iso", 10, "ab", false, "root", "t")];

    [Fact]
    public void TheTypeSwitchTakesPvWithAKernelOrItsOwnAndHvm()
    {
        Assert.Equal(new TypeChange(VmType.Pv, Kernels[0], false), VmSettingsForm.ParseType("pv", "kit", null, Kernels).Change);
        Assert.Equal(new TypeChange(VmType.Pv, null, true), VmSettingsForm.ParseType(" pv ", "", "on", Kernels).Change);
        // An hvm boot uses no kernel, whatever was posted.
        Assert.Equal(new TypeChange(VmType.Hvm, null, false), VmSettingsForm.ParseType("hvm", "kit", "", Kernels).Change);
        Assert.Equal("Type: choose PV or HVM.", VmSettingsForm.ParseType("pvh", null, null, Kernels).Error);
        Assert.Equal("Kernel: choose one of the kernels offered, or the guest's own.", VmSettingsForm.ParseType("pv", "/boot/vmlinuz", null, Kernels).Error);
        Assert.Equal("Conversion: tick the box or leave it empty.", VmSettingsForm.ParseType("hvm", null, "maybe", Kernels).Error);
    }

    [Fact]
    public void BootModesNameCatalogueImagesNeverPaths()
    {
        Assert.Equal(VmBoot.Normal, VmSettingsForm.ParseBoot("normal", "x", Catalogue).Boot);
        Assert.Equal(new VmBoot(BootMode.Rescue, null), VmSettingsForm.ParseBoot("rescue", null, Catalogue).Boot);
        Assert.Equal(new VmBoot(BootMode.Cd, 7), VmSettingsForm.ParseBoot("cd", "debian-12.iso", Catalogue).Boot);
        Assert.Equal("CD image: choose one of the images offered.", VmSettingsForm.ParseBoot("cd", "/srv/iso/d.iso", Catalogue).Error);
        Assert.Equal("CD image: the catalogue is empty; ask an administrator to add one.", VmSettingsForm.ParseBoot("cd", "", []).Error);
        // The chain-load CD is always offered: xenod builds it at power-on.
        Assert.Equal(new VmBoot(BootMode.Chainload, null), VmSettingsForm.ParseBoot("chainload", null, Catalogue).Boot);
        Assert.Equal("Boot mode: choose one of the modes offered.", VmSettingsForm.ParseBoot("chainlaod", null, Catalogue).Error);
    }

    [Fact]
    public void NumbersNamesAndPathsAreChecked()
    {
        Assert.Equal((512, 2, (string?)null), VmSettingsForm.ParseResources("512", "2"));
        Assert.Equal("Memory (MiB): give a whole number from 32 to 1048576.", VmSettingsForm.ParseResources("31", "2").Error);
        Assert.Equal("vCPUs: give a number.", VmSettingsForm.ParseResources("64", " ").Error);
        Assert.Equal("Disk size (GiB): give a whole number from 1 to 16384.", VmSettingsForm.ParseDiskSize("-1").Error);
        Assert.Null(VmSettingsForm.CdNameError("debian-12.4_amd64.iso"));
        Assert.NotNull(VmSettingsForm.CdNameError("../x"));
        Assert.NotNull(VmSettingsForm.CdNameError(".hidden"));
        Assert.Null(VmSettingsForm.IsoPathError("/srv/iso/d.iso"));
        Assert.Equal("Path: give an absolute path without '..'.", VmSettingsForm.IsoPathError("iso/d.iso"));
        Assert.Equal("Path: give an absolute path without '..'.", VmSettingsForm.IsoPathError("/srv/../etc/shadow"));
        Assert.NotNull(VmSettingsForm.IsoPathError("/srv/a\"b.iso"));
        Assert.Equal(12L, VmSettingsForm.Id("12"));
        Assert.Null(VmSettingsForm.Id("-3"));
        Assert.Null(VmSettingsForm.Id("0x1"));
    }

    /// <summary>Random and mutated form text: every parser answers a value or one message, never throws, and an accepted value is within its bounds.</summary>
    [Fact]
    public void RandomFormInputNeverThrowsAndAcceptsOnlyValidValues()
    {
        var rng = new Random(1406);
        string[] seeds = ["pv", "hvm", "kit", "on", "normal", "rescue", "cd", "chainload", "debian-12.iso", "512", "1", "0", "/srv/iso/d.iso", "", " "];
        for (int i = 0; i < 20000; i++)
        {
            string? Text() => rng.Next(10) switch
            {
                0 => null,
                1 or 2 or 3 => Mutate(seeds[rng.Next(seeds.Length)]),
                _ => RandomText(),
            };
            string Mutate(string s)
            {
                var chars = s.ToCharArray().ToList();
                for (int k = rng.Next(3); k > 0; k--)
                {
                    if (chars.Count > 0 && rng.Next(2) == 0) chars.RemoveAt(rng.Next(chars.Count));
                    else chars.Insert(rng.Next(chars.Count + 1), (char)rng.Next(0, 0x3000));
                }
                return new string(chars.ToArray());
            }
            string RandomText() => new(Enumerable.Range(0, rng.Next(12)).Select(_ => (char)rng.Next(0, rng.Next(2) == 0 ? 128 : 0xFFFF)).ToArray());

            var (change, typeError) = VmSettingsForm.ParseType(Text(), Text(), Text(), Kernels);
            Assert.True((change is null) != (typeError is null));
            if (change?.Kernel is not null) Assert.Same(Kernels[0], change.Kernel);

            var (m, c, resError) = VmSettingsForm.ParseResources(Text(), Text());
            if (resError is null) Assert.True(m is >= 32 and <= VmCreateForm.MaxMemoryMib && c is >= 1 and <= VmCreateForm.MaxVcpus);

            var (size, sizeError) = VmSettingsForm.ParseDiskSize(Text());
            if (sizeError is null) Assert.InRange(size, 1, VmCreateForm.MaxDiskGib);

            var (boot, bootError) = VmSettingsForm.ParseBoot(Text(), Text(), Catalogue);
            Assert.True((boot is null) != (bootError is null));
            if (boot?.Mode == BootMode.Cd) Assert.Equal(7, boot.CdImageId);

            var name = Text();
            if (VmSettingsForm.CdNameError(name) is null)
                Assert.DoesNotContain("/", name!, StringComparison.Ordinal);
            var path = Text();
            if (VmSettingsForm.IsoPathError(path) is null)
                Assert.True(path!.Trim().StartsWith('/') && path.IndexOfAny(['"', '\\', '\n']) < 0);
            var id = VmSettingsForm.Id(Text());
            if (id is not null) Assert.True(id > 0);
        }
    }
}
