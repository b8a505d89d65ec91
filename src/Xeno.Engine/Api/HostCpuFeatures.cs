using System.Runtime.Intrinsics.X86;

namespace Xeno.Engine.Api;

/// <summary>
/// xl info's hw_caps: the first eight words of Xen's x86 featureset, which Xen fills from CPUID
/// at boot. Xeno executes the same CPUID leaves in xenod (a user process sees what the kernel's
/// CPU, or the VM it runs in, reports), in Xen's word order (public/arch-x86/cpufeatureset.h):
/// 0 = leaf 1 EDX, 1 = leaf 1 ECX, 2 = leaf 0x80000001 EDX, 3 = leaf 0x80000001 ECX,
/// 4 = leaf 0xd subleaf 1 EAX, 5 = leaf 7 subleaf 0 EBX, 6 = leaf 7 subleaf 0 ECX, 7 = leaf 0x80000007 EDX.
/// Unlike Xen, no bit is masked for what a hypervisor would hide. Off x86, all words are zero.
/// </summary>
internal static class HostCpuFeatures
{
    public static uint[] Read()
    {
        var words = new uint[8];
        if (!X86Base.IsSupported)
            return words;
        var (maxBasic, _, _, _) = X86Base.CpuId(0, 0);
        var (maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x80000000), 0);
        (int Eax, int Ebx, int Ecx, int Edx) Leaf(uint leaf, int sub) =>
            (leaf < 0x80000000 ? leaf <= (uint)maxBasic : leaf <= (uint)maxExtended) ? X86Base.CpuId(unchecked((int)leaf), sub) : default;

        var l1 = Leaf(1, 0);
        var e1 = Leaf(0x80000001, 0);
        var d1 = Leaf(0xd, 1);
        var l7 = Leaf(7, 0);
        var e7 = Leaf(0x80000007, 0);
        words[0] = (uint)l1.Edx;
        words[1] = (uint)l1.Ecx;
        words[2] = (uint)e1.Edx;
        words[3] = (uint)e1.Ecx;
        words[4] = (uint)d1.Eax;
        words[5] = (uint)l7.Ebx;
        words[6] = (uint)l7.Ecx;
        words[7] = (uint)e7.Edx;
        return words;
    }
}
