using System.Diagnostics;
using Xeno.Boot.Disks;
using Xeno.Boot.Tests.Disk.Corpus;

namespace Xeno.Boot.Tests.Disk;

/// <summary>
/// Mutates valid images many thousands of times (bytes, bit flips, boundary integers, mostly in
/// the metadata near the start) and reads everything that can be read: only values or
/// <see cref="BootException"/> may come out, each image within a time and allocation bound.
/// XENO_LONG_FUZZ=1 runs 20 times as many iterations.
/// </summary>
public sealed class DiskFuzzTests
{
    private static readonly int Scale = Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? 20 : 1;
    private static readonly TimeSpan PerImageBound = TimeSpan.FromSeconds(5);
    private const long PerImageAllocationBound = 512L << 20;

    public static TheoryData<string, int, int> Seeds => new()
    {
        // name, iterations, size of the "hot" metadata window at the start
        { "small-ext2", 800, 64 << 10 },
        { "small-ext4", 800, 96 << 10 },
        { "small-ext4-64bit", 600, 128 << 10 },
        { "small-fat12", 600, 16 << 10 },
        { "small-iso", 600, 64 << 10 },
        { "small-mbr", 400, 100 << 10 },
        { "small-gpt", 400, 100 << 10 },
        { "qcow2", 500, 32 << 10 },
        { "qcow2-compressed", 400, 32 << 10 },
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MutatedImagesYieldValuesOrBootExceptions(string name, int iterations, int hotWindow)
    {
        string path = name switch
        {
            "small-mbr" => DiskCorpus.SmallMbrDisk,
            "small-gpt" => DiskCorpus.SmallGptDisk,
            "qcow2" => DiskCorpus.Qcow2(DiskCorpus.Image("small-ext2"), "compat=1.1,cluster_size=4096"),
            "qcow2-compressed" => DiskCorpus.Qcow2(DiskCorpus.Image("small-ext4"), "compat=0.10,cluster_size=4096", compressed: true),
            _ => DiskCorpus.Image(name),
        };
        var bytes = File.ReadAllBytes(path);
        // The unmutated image must read completely, or the fuzzing would test nothing.
        var seed = DiskExerciser.Run(bytes);
        Assert.True(seed.Files > 0, "the seed image itself must have readable files");
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) ^ 0x5EED);
        var undo = new List<(int Offset, byte Value)>();
        int completed = 0, refused = 0;
        for (int i = 0; i < iterations * Scale; i++)
        {
            Mutate(bytes, random, Math.Min(hotWindow, bytes.Length), undo);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                var result = DiskExerciser.Run(bytes);
                if (result == seed)
                {
                    completed++;
                }
                else
                {
                    refused++;
                }
            }
            catch (BootException)
            {
                // A clear refusal is a fine outcome for a damaged image.
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{name} iteration {i}: {e.GetType().Name}: {e.Message}\nmutations: {string.Join(", ", undo.Select(u => $"@{u.Offset}={bytes[u.Offset]:x2}"))}\n{e.StackTrace}");
            }
            Assert.True(clock.Elapsed < PerImageBound, $"{name} iteration {i} took {clock.Elapsed}");
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(allocated < PerImageAllocationBound, $"{name} iteration {i} allocated {allocated} bytes");
            for (int u = undo.Count - 1; u >= 0; u--)
            {
                bytes[undo[u].Offset] = undo[u].Value;
            }
            undo.Clear();
        }
        // Both outcomes must occur, or the mutations are not reaching the parsers.
        Assert.True(completed > 0 && refused > 0, $"{name}: {completed} read like the seed, {refused} differed");
    }

    [Fact]
    public void RandomBytesBehindEveryKnownMagicYieldValuesOrBootExceptions()
    {
        var random = new Random(1234);
        for (int i = 0; i < 3000 * Scale; i++)
        {
            var bytes = new byte[random.Next(0, 80 << 10)];
            random.NextBytes(bytes);
            Plant(bytes, random.Next(8), random);
            try
            {
                DiskExerciser.Run(bytes);
            }
            catch (BootException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
    }

    private static void Plant(byte[] b, int kind, Random random)
    {
        void Put(int at, ReadOnlySpan<byte> magic)
        {
            if (at + magic.Length <= b.Length)
            {
                magic.CopyTo(b.AsSpan(at));
            }
        }
        switch (kind)
        {
            case 0: Put(0, [0x51, 0x46, 0x49, 0xFB, 0, 0, 0, (byte)random.Next(2, 4)]); Put(20, [0, 0, 0, (byte)random.Next(9, 17)]); break;
            case 1: Put(0x438, [0x53, 0xEF]); Put(0x418, [0, 0, 0, 0]); break;
            case 2: Put(0x8001, "CD001"u8); Put(0x8000, [1]); Put(0x8080, [0, 8]); break;
            case 3: Put(0, [0xEB, 0x3C, 0x90]); Put(0x0B, [0, 2, 1, 1, 0, 2, 0x40, 0]); break;
            case 4: Put(510, [0x55, 0xAA]); break;
            case 5: Put(510, [0x55, 0xAA]); Put(446 + 4, [0xEE]); Put(512, "EFI PART"u8); break;
            case 6: Put(510, [0x55, 0xAA]); Put(446 + 4, [0x05]); break;
            default: break;
        }
    }

    private static readonly uint[] Interesting = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];

    private static void Mutate(byte[] bytes, Random random, int hot, List<(int, byte)> undo)
    {
        int count = random.Next(1, 9);
        for (int m = 0; m < count; m++)
        {
            int at = random.Next(10) < 8 ? random.Next(hot) : random.Next(bytes.Length);
            switch (random.Next(4))
            {
                case 0:
                    Set(bytes, at, (byte)random.Next(256), undo);
                    break;
                case 1:
                    Set(bytes, at, (byte)(bytes[at] ^ (1 << random.Next(8))), undo);
                    break;
                case 2:
                    uint value = Interesting[random.Next(Interesting.Length)];
                    for (int k = 0; k < 4 && at + k < bytes.Length; k++)
                    {
                        Set(bytes, at + k, (byte)(value >> (8 * k)), undo);
                    }
                    break;
                default:
                    Set(bytes, at, random.Next(2) == 0 ? (byte)0 : (byte)0xFF, undo);
                    break;
            }
        }
    }

    private static void Set(byte[] bytes, int at, byte value, List<(int, byte)> undo)
    {
        undo.Add((at, bytes[at]));
        bytes[at] = value;
    }
}
