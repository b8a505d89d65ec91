namespace Xeno.Host.Tests;

/// <summary>The kernel's CPU list text (Cpus_allowed_list, node cpulist), as the kernel writes it and as hostile text may look.</summary>
public sealed class KernelCpuListTests
{
    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-3", new[] { 0, 1, 2, 3 })]
    [InlineData("0,2-3,7", new[] { 0, 2, 3, 7 })]
    [InlineData("", new int[0])]
    public void ReadsWhatTheKernelWrites(string text, int[] expected)
    {
        Assert.True(KernelCpuList.TryParse(text, out var cpus));
        Assert.Equal(expected, cpus);
    }

    [Theory]
    [InlineData("3-1")]
    [InlineData("a")]
    [InlineData("1,")]
    [InlineData("-1")]
    [InlineData("0-99999")]
    [InlineData(" 1")]
    [InlineData("1--2")]
    public void RefusesAnythingElse(string text)
    {
        Assert.False(KernelCpuList.TryParse(text, out var cpus));
        Assert.Empty(cpus);
    }

    [Fact]
    public void RandomAndMutatedTextGivesASetOrFalseNeverAnException()
    {
        var random = new Random(77);
        const string alphabet = "0123456789,-x \n";
        var seeds = new[] { "0-3,5", "0", "1,3-4", "0-8191" };
        for (int i = 0; i < 20000; i++)
        {
            var chars = (random.Next(2) == 0 ? seeds[random.Next(seeds.Length)] : "").ToCharArray().ToList();
            int edits = random.Next(0, 6);
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(chars.Count + 1);
                if (random.Next(2) == 0 || chars.Count == 0)
                    chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                else
                    chars.RemoveAt(Math.Min(at, chars.Count - 1));
            }
            var text = new string([.. chars]);
            if (KernelCpuList.TryParse(text, out var cpus))
                Assert.All(cpus, c => Assert.InRange(c, 0, KernelCpuList.MaxCpu));
            else
                Assert.Empty(cpus);
        }
    }
}
