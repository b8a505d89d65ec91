using System.Diagnostics;
using System.Text;
using Xeno.Boot.Loaders;

namespace Xeno.Boot.Tests.Loaders;

/// <summary>
/// Boot configs come from guest disks: thousands of mutated and random configs go through every
/// parser and the selector; only menus or BootException may come out, each within bounded time.
/// XENO_LONG_FUZZ=1 runs ten times as many.
/// </summary>
public class ParserFuzzTests
{
    private static readonly int Iterations = Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? 40000 : 4000;

    private static readonly string[] Seeds =
    [
        Grub2ParserTests.Debian,
        "default 1\nfallback 0\ntimeout 5\ntitle a\nroot (hd0,0)\nkernel /k ro\ninitrd /i\ntitle b\nkernel (hd0,1)/k2\n",
        "DEFAULT b\nLABEL a\nKERNEL /k\nAPPEND initrd=/i ro\nLABEL b\nkernel mboot.c32\nappend x --- /k ro --- /i\n",
        "set default=\"${saved_entry}\"\nif [ \"${next_entry}\" ] ; then\nset default=\"${next_entry}\"\nelif [ -z \"$x\" ]; then\nset default=1\nelse\nset default='a>b'\nfi\nblscfg\n",
    ];

    private static readonly string[] Tokens =
    [
        "menuentry '", "submenu \"", "{", "}", "\n", " ", "\t", "'", "\"", "=", ">", "$", "${", "saved_entry", "set ", "default",
        "title ", "kernel ", "initrd ", "linux ", "label ", "append ", "initrd=", "---", "(", ")", "hd0,", "msdos", "if [ ", " ]; then",
        "else", "fi", "function ", "-", "99999999999999999999", "0", "_", "\u00e9", "\0", "\r", "#", "root ", "/dev/xvd",
    ];

    [Fact]
    public void ParsersReturnMenusOrBootExceptions()
    {
        var random = new Random(5);
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < Iterations; i++)
        {
            string text = i % 4 == 3 ? RandomText(random) : Mutate(Seeds[random.Next(Seeds.Length)], random);
            var started = Stopwatch.GetTimestamp();
            foreach (var kind in new[] { ConfigKind.Grub2, ConfigKind.GrubLegacy, ConfigKind.ExtLinux })
            {
                try
                {
                    var menu = BootConfigReader.Parse(text, "/boot/grub/grub.cfg", kind,
                        p => p.EndsWith("grubenv", StringComparison.Ordinal) ? "saved_entry=" + text[..Math.Min(40, text.Length)] : null,
                        _ => []);
                    Assert.NotNull(menu.Entries);
                    if (menu.Entries.Count > 0)
                    {
                        int index = EntrySelector.Select(menu, random.Next(3) == 0 ? text[..Math.Min(5, text.Length)] : null, []);
                        Assert.InRange(index, 0, menu.Entries.Count - 1);
                    }
                }
                catch (BootException)
                {
                }
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > slowest) slowest = elapsed;
        }
        // A hang guard, not a speed goal: generous because the test machines are shared and noisy.
        Assert.True(slowest < TimeSpan.FromSeconds(30), $"slowest config took {slowest}");
    }

    [Fact]
    public void HugeLinesParseInLinearTime()
    {
        // The menuentry pattern pygrub uses backtracks badly on long lines full of quotes.
        var line = "menuentry '" + string.Concat(Enumerable.Repeat("' x", 300_000)) + "\n";
        var started = Stopwatch.GetTimestamp();
        Assert.Throws<BootException>(() => Grub2Parser.Parse(line + "}\n}\n", "/g"));
        var deep = string.Concat(Enumerable.Repeat("submenu 'x' {\n", 100));
        Assert.Throws<BootException>(() => Grub2Parser.Parse(deep, "/g"));
        var ifs = string.Concat(Enumerable.Repeat("if [ a ]; then\n", 10_000)) + "set default=1\n";
        Assert.Equal(1, Grub2Parser.Parse(ifs + "menuentry 'a' {\n}\n", "/g").DefaultIndex);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60)); // hang guard (backtracking would take hours)
    }

    private static string Mutate(string seed, Random random)
    {
        var sb = new StringBuilder(seed);
        int edits = random.Next(1, 12);
        for (int e = 0; e < edits && sb.Length > 0; e++)
        {
            int at = random.Next(sb.Length);
            switch (random.Next(4))
            {
                case 0: sb.Remove(at, Math.Min(random.Next(1, 20), sb.Length - at)); break;
                case 1: sb.Insert(at, Tokens[random.Next(Tokens.Length)]); break;
                case 2: sb[at] = (char)random.Next(0, 0x250); break;
                default:
                    int from = random.Next(sb.Length);
                    sb.Insert(at, sb.ToString(from, Math.Min(random.Next(1, 60), sb.Length - from)));
                    break;
            }
        }
        return sb.ToString();
    }

    private static string RandomText(Random random)
    {
        var sb = new StringBuilder();
        int n = random.Next(0, 80);
        for (int i = 0; i < n; i++) sb.Append(Tokens[random.Next(Tokens.Length)]);
        return sb.ToString();
    }
}
