using System.Diagnostics;
using Xeno.Qemu.Kernel;
using Xeno.Qemu.Kernel.Xz;
using Xeno.Qemu.Tests.Boots;

namespace Xeno.Qemu.Tests.Kernel;

public class XzDecoderTests
{
    [Fact]
    public async Task DebiansKernelPayloadDecodesToExactlyWhatXzUtilsProduces()
    {
        var kit = await GuestKit.GetAsync();
        byte[] bzImage = await File.ReadAllBytesAsync(kit.Vmlinuz, TestContext.Current.CancellationToken);
        var info = KernelImageProbe.Probe(new MemoryStream(bzImage));
        var watch = Stopwatch.StartNew();
        byte[] decoded = XzDecoder.Decode(bzImage.AsSpan((int)info.PayloadOffset, (int)info.PayloadLength));
        var elapsed = watch.Elapsed;
        byte[] expected = await File.ReadAllBytesAsync(kit.Vmlinux, TestContext.Current.CancellationToken);
        Assert.Equal(expected.Length, decoded.Length);
        Assert.True(expected.AsSpan().SequenceEqual(decoded), "decoded payload differs from xz-utils' output");
        TestContext.Current.SendDiagnosticMessage($"decoded {decoded.Length} bytes in {elapsed.TotalMilliseconds:0} ms");
    }
}
