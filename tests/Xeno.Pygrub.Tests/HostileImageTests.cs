using System.Diagnostics;
using Xeno.Boot;
using Xeno.Boot.Images;
using Xeno.Boot.Loaders;

namespace Xeno.Pygrub.Tests;

/// <summary>
/// Whole-chain robustness: corpus images with bytes flipped (tables, superblocks, inodes,
/// directories, configs, qcow2 tables) go through image, partition, filesystem, config and
/// extraction; only a choice or a BootException may come out, in bounded time.
/// XENO_LONG_FUZZ=1 runs ten times as many.
/// </summary>
[Collection("corpus")]
public class HostileImageTests(CorpusFixture corpus)
{
    private static readonly int Iterations = Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? 2000 : 150;

    [Theory]
    [InlineData("grub2-ext4-mbr", 1 << 20)]
    [InlineData("legacy-ext4-gpt", 1 << 20)]
    [InlineData("extlinux-fat-none", 0)]
    [InlineData("isolinux-iso-none", 0)]
    [InlineData("grub2-ext4-mbr-qcow2", 0)]
    public void MutatedImagesGiveAChoiceOrBootException(string name, int hotStart)
    {
        var original = File.ReadAllBytes(corpus.Cases[name].Image);
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) & 0xffff);
        int chosen = 0;
        for (int i = 0; i < Iterations; i++)
        {
            var bytes = (byte[])original.Clone();
            int flips = random.Next(1, 40);
            for (int f = 0; f < flips; f++)
            {
                // Mostly where the metadata is: the first 64 KiB and the filesystem's first 256 KiB.
                int at = random.Next(3) switch
                {
                    0 => random.Next(Math.Min(65536, bytes.Length)),
                    1 => Math.Min(bytes.Length - 1, hotStart + random.Next(262144)),
                    _ => random.Next(bytes.Length),
                };
                bytes[at] = random.Next(4) == 0 ? (byte)0xff : (byte)random.Next(256);
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var boot = GuestBoot.Open(new MemoryStream(bytes, writable: false), new BootRequest(), new DiskImageOptions { Name = name });
                boot.ExtractKernel(Stream.Null, 1 << 20);
                boot.ExtractRamdisk(Stream.Null, 1 << 20);
                chosen++;
            }
            catch (BootException)
            {
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            Assert.True(elapsed < TimeSpan.FromSeconds(30), $"{name} mutation {i} took {elapsed}"); // hang guard on a shared machine
        }
        // Most mutations leave the boot files readable; the test must exercise the success path too.
        Assert.True(chosen > 0, "no mutated image booted at all");
    }

    [Fact]
    public void TruncatedImagesFailCleanly()
    {
        var original = File.ReadAllBytes(corpus.Cases["grub2-ext4-gpt"].Image);
        foreach (var length in new[] { 0, 100, 511, 512, 1024, 4096, 1 << 20, (1 << 20) + 2048, original.Length / 2 })
        {
            var ex = Record.Exception(() =>
            {
                using var boot = GuestBoot.Open(new MemoryStream(original[..length]), new BootRequest());
                boot.ExtractKernel(Stream.Null);
            });
            Assert.True(ex is null or BootException, $"length {length}: {ex}");
        }
    }
}
