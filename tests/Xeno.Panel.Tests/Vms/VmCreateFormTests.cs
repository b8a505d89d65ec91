using Xeno.Panel.Data;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Tests.Vms;

public sealed class VmCreateFormTests
{
    private static readonly KernelChoice[] Kernels = [new() { Name = "debian", Kernel = "/boot/vmlinuz" }];

    [Fact]
    public void AGoodFormIsRead()
    {
        var (r, errors) = VmCreateForm.Parse(" web-1 ", "pv", "256", "2", "4", "debian", Kernels);
        Assert.Empty(errors);
        Assert.Equal(new VmCreateRequest("web-1", VmType.Pv, 256, 2, 4, Kernels[0]), r);
    }

    [Theory]
    [InlineData("", "pv", "256", "1", "4", "debian", "Name: give the VM a name.")]
    [InlineData("Web", "pv", "256", "1", "4", "debian", "Name: use 1 to 63")]
    [InlineData("-web", "pv", "256", "1", "4", "debian", "Name: use 1 to 63")]
    [InlineData("../etc", "pv", "256", "1", "4", "debian", "Name: use 1 to 63")]
    [InlineData("web", "xen", "256", "1", "4", "debian", "Type: choose PV or HVM.")]
    [InlineData("web", "pv", "lots", "1", "4", "debian", "Memory (MiB): give a whole number from 32 to")]
    [InlineData("web", "pv", "-5", "1", "4", "debian", "Memory (MiB): give a whole number")]
    [InlineData("web", "pv", "99999999999999", "1", "4", "debian", "Memory (MiB): give a whole number")]
    [InlineData("web", "pv", "256", "0", "4", "debian", "vCPUs: give a whole number from 1 to 128.")]
    [InlineData("web", "pv", "256", "1", "", "debian", "Disk (GiB): give a number.")]
    [InlineData("web", "pv", "256", "1", "4", "/boot/vmlinuz", "Kernel: choose one of the kernels offered.")]
    [InlineData("web", "pv", "256", "1", "4", "", "Kernel: a PV guest needs a kernel; choose one.")]
    public void BadFieldsAreNamed(string name, string type, string memory, string vcpus, string disk, string kernel, string message)
    {
        var (r, errors) = VmCreateForm.Parse(name, type, memory, vcpus, disk, kernel, Kernels);
        Assert.Null(r);
        Assert.Contains(errors, e => e.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void AnHvmGuestNeedsNoKernel()
    {
        var (r, errors) = VmCreateForm.Parse("win", "hvm", "1024", "2", "20", null, []);
        Assert.Empty(errors);
        Assert.Null(r!.Kernel);
    }

    /// <summary>Random text in every field: never an exception; whatever is accepted is within bounds and offered.</summary>
    [Fact]
    public void RandomInputIsReadOrRefusedNeverThrown()
    {
        var random = new Random(Environment.TickCount);
        string[] alphabet = ["", "0", "1", "9", "-", "a", "z", "A", " ", "\t", "\n", "\0", "é", "٣", "+", ".", "e", "pv", "hvm", "debian", "/", "\"", "'", "\uFFFF", "\uD800"];
        string Field() => random.Next(6) == 0 ? null! : string.Concat(Enumerable.Range(0, random.Next(8)).Select(_ => alphabet[random.Next(alphabet.Length)]));
        for (int i = 0; i < 20000; i++)
        {
            string? name = Field(), type = Field(), memory = random.Next(3) == 0 ? random.NextInt64(-10, 1L << 33).ToString() : Field(),
                vcpus = random.Next(3) == 0 ? random.Next(-3, 200).ToString() : Field(), disk = Field(), kernel = Field();
            var (r, errors) = VmCreateForm.Parse(name, type, memory, vcpus, disk, kernel, Kernels);
            if (r is null)
            {
                Assert.NotEmpty(errors);
                Assert.All(errors, e => Assert.Matches("^[A-Za-z][A-Za-z ()]+: ", e));
                continue;
            }
            Assert.Empty(errors);
            Assert.Matches("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", r.Name);
            Assert.InRange(r.MemoryMib, 32, VmCreateForm.MaxMemoryMib);
            Assert.InRange(r.Vcpus, 1, VmCreateForm.MaxVcpus);
            Assert.InRange(r.DiskGib, 1, VmCreateForm.MaxDiskGib);
            Assert.True(r.Kernel is null ? r.Type == VmType.Hvm : Kernels.Contains(r.Kernel));
        }
    }
}
