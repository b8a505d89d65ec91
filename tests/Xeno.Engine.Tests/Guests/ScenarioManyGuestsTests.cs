using System.Globalization;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// Ten guests at once on one xenod: all boot to the marker, `xl list` shows them with
/// Domain-0, and destroying them leaves no QEMU process and no runtime file behind.
/// </summary>
public sealed class ScenarioManyGuestsTests
{
    private const int Count = 10;

    [Fact]
    public async Task TenGuestsBootListAndAreDestroyedCleanly()
    {
        await using var x = await Xenod.StartAsync();
        var names = Enumerable.Range(1, Count).Select(i => $"many-{i:00}").ToList();
        foreach (var name in names)
        {
            // 112 MiB for most (the kit needs 102, docs/guest-kit.md), some at 128 MiB: the sizes must show in xl list as given. (Debian's
            // bzImage cannot boot in 64 MiB: its init_size, the memory it decompresses into, is 63 MiB.)
            int memory = name.EndsWith('0') || name.EndsWith('5') ? 128 : 112;
            Assert.Equal((0, "", ""), x.Xl("create", "-q", x.PvConfig(name, memory: memory)));
        }

        // Ten TCG guests share two loaded cores: give them many minutes.
        await Xenod.WaitForAsync(() => names.All(n => x.MarkerCount(n) >= 1),
            "all ten markers (missing: " + string.Join(' ', names.Where(n => x.MarkerCount(n) == 0)) + ")", 900);

        var pids = Enumerable.Range(1, Count).ToDictionary(id => id, id => QemuPid(x, id));
        var list = x.Xl("list");
        Assert.Equal(0, list.Exit);
        var rows = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 1 + Count, rows.Length); // header, Domain-0, the guests
        Assert.StartsWith("Domain-0 ", rows[1], StringComparison.Ordinal);
        for (int i = 0; i < Count; i++)
        {
            int memory = (i + 1) % 5 == 0 ? 128 : 112;
            Xenod.AssertRow($"^{names[i]} +{i + 1} +{memory} +1 +[r-][b-]---- +[ \\d]{{5}}\\d\\.\\d$", rows[2 + i]);
        }

        foreach (var name in names)
            Assert.Equal((0, "", ""), x.Xl("destroy", name));
        Assert.Equal(["Domain-0"], x.ListNames());
        foreach (var (id, pid) in pids)
            await Xenod.WaitForAsync(() => !Alive(pid), $"QEMU of domain {id} (pid {pid}) to be gone", 60);
        Assert.Empty(Directory.GetFiles(Path.Combine(x.Prefix, "run/xeno/domains")));
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(x.Prefix, "run/xeno")),
            d => Regex.IsMatch(Path.GetFileName(d), @"^d\d+$"));
    }

    private static int QemuPid(Xenod x, int domid) =>
        int.Parse(File.ReadAllText(Path.Combine(x.Prefix, $"run/xeno/d{domid}/qemu.pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>Alive and not a zombie: a reaped or defunct QEMU counts as gone.</summary>
    internal static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
