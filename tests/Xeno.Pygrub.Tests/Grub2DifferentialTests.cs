using System.Text;

namespace Xeno.Pygrub.Tests;

/// <summary>
/// Randomly generated grub.cfg files through Xen's pygrub and ours with --isconfig -l:
/// wherever Xen's pygrub succeeds, the listing, the chosen entry and every warning must be
/// the same. The generator stays within what pygrub handles (numeric defaults, no saved
/// entries, no linuxefi), since elsewhere we deliberately differ (docs/pygrub.md).
/// XENO_LONG_FUZZ=1 runs many more.
/// </summary>
public class Grub2DifferentialTests
{
    private static readonly int Configs = Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? 800 : 60;

    [Fact]
    public void RandomGrubCfgsReadTheSameAsXen()
    {
        var random = new Random(2024);
        var dir = Tools.TempDirectory();
        int compared = 0;
        try
        {
            for (int i = 0; i < Configs; i++)
            {
                var cfg = Path.Combine(dir, "grub.cfg");
                var text = Generate(random);
                File.WriteAllText(cfg, text);
                string[] args = ["--isconfig", "-l", "-q", "--output-directory=" + dir, .. (random.Next(3) == 0 ? ["--entry=" + random.Next(4)] : Array.Empty<string>()), cfg];
                var xen = Tools.RunXen(args);
                if (xen.ExitCode != 0) continue; // pygrub crashed on it; we do not copy crashes
                var ours = Tools.RunOurs(args);
                Assert.True(xen.StdoutText == ours.StdoutText && xen.Stderr == ours.Stderr && ours.ExitCode == 0,
                    $"config #{i} differs:\n{text}\n--- xen stdout\n{xen.StdoutText}--- ours\n{ours.StdoutText}--- xen stderr\n{xen.Stderr}--- ours\n{ours.Stderr}");
                compared++;
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Assert.True(compared > Configs / 3, $"only {compared} of {Configs} configs were readable by Xen's pygrub");
    }

    private static readonly string[] Globals =
    [
        "insmod part_msdos", "load_env", "terminal_output console", "set menu_color_normal=cyan/blue", "set gfxmode=auto",
        "search --no-floppy --fs-uuid --set=root 1234", "if [ -s $prefix/grubenv ]; then", "fi", "else", "export linux_gfx_mode",
        "font=unicode", "serial --unit=0 --speed=115200", "set timeout_style=menu", "# a comment", "", "\t",
        "function f {", "  echo inside", "}", "set timeout=7", "set root='hd0,msdos1'", "save_env next_entry",
    ];

    private static readonly string[] EntryLines =
    [
        "load_video", "insmod gzio", "insmod ext2", "set root='hd0,msdos1'", "set root=(hd0,gpt2)", "set root='hd1'",
        "echo 'Loading Linux ...'", "search --no-floppy --fs-uuid --set=root 1234", "if [ x$feature = xy ]; then",
        "fi", "set gfxpayload=keep", "# comment", "",
    ];

    private static readonly string[] Titles = ["Debian GNU/Linux", "it's", "say \"hi\"", "a  b", "x>y", "", "Ubuntu, with Linux 6.1", "é ü"];

    private static string Generate(Random r)
    {
        var sb = new StringBuilder();
        int lines = r.Next(0, 6);
        for (int i = 0; i < lines; i++) sb.Append(Globals[r.Next(Globals.Length)]).Append('\n');
        bool numericDefault = false;
        if (r.Next(2) == 0) { sb.Append($"set default=\"{r.Next(-1, 5)}\"\n"); numericDefault = true; }
        if (r.Next(4) == 0) { sb.Append($"set default={r.Next(0, 3)}\n"); numericDefault = true; }
        int entries = r.Next(1, 5);
        bool inSubmenu = false;
        for (int e = 0; e < entries; e++)
        {
            // A number counts GRUB's top-level items for us, pygrub's flattened entries for Xen (docs/pygrub.md).
            if (!inSubmenu && !numericDefault && r.Next(4) == 0) { sb.Append("submenu 'Advanced options' $menuentry_id_option 'adv' {\n"); inSubmenu = true; }
            var title = Titles[r.Next(Titles.Length)];
            char q = title.Contains('\'') ? '"' : title.Contains('"') ? '\'' : (r.Next(2) == 0 ? '\'' : '"');
            sb.Append(r.Next(2) == 0 ? "" : "\t").Append($"menuentry {q}{title}{q} --class os $menuentry_id_option 'id{e}' {{\n");
            int body = r.Next(0, 5);
            for (int b = 0; b < body; b++) sb.Append('\t').Append(EntryLines[r.Next(EntryLines.Length)]).Append('\n');
            var kernel = r.Next(3) == 0 ? "(hd0,msdos1)/vmlinuz" : "/boot/vmlinuz-" + e;
            // No quotes, escapes or $ in the arguments: there we give the kernel what GRUB gives it (docs/pygrub.md).
            var args = r.Next(4) switch { 0 => "", 1 => " root=/dev/xvda1 ro", 2 => "\troot=UUID=1 ro  quiet", _ => " a=b=c q" };
            sb.Append('\t').Append(r.Next(4) == 0 ? "linux16 " : "linux\t").Append(kernel).Append(args).Append('\n');
            sb.Append('\t').Append(r.Next(4) == 0 ? "initrd16 " : "initrd ").Append("/boot/initrd.img-" + e).Append('\n');
            sb.Append("}\n");
            if (inSubmenu && r.Next(2) == 0) { sb.Append("}\n"); inSubmenu = false; }
        }
        if (inSubmenu) sb.Append("}\n");
        return sb.ToString();
    }
}
