using Xeno.Boot.Loaders;

namespace Xeno.Boot.Tests.Loaders;

/// <summary>grubenv counts from load_env on, as GRUB runs the script (found by the GRUB differential test).</summary>
public class Grub2LoadEnvTests
{
    private const string Entries = "menuentry 'A' {\n\tlinux /a\n}\nmenuentry 'B' --id b {\n\tlinux /b\n}\n";

    private static BootMenu Parse(string text, string env = "# GRUB Environment Block\nsaved_entry=b\n") =>
        Grub2Parser.Parse(text + Entries, "/boot/grub/grub.cfg", p => p switch
        {
            "/boot/grub/grubenv" => env,
            "/other/env" => "saved_entry=B\n",
            _ => null,
        });

    [Fact]
    public void SavedEntryCountsOnlyAfterLoadEnv()
    {
        Assert.Equal(1, Parse("load_env\nset default=\"${saved_entry}\"\n").DefaultIndex);
        var without = Parse("set default=\"${saved_entry}\"\n");
        Assert.Equal(0, without.DefaultIndex);
        Assert.Contains(without.Diagnostics, d => d.Message == "grub2's saved_entry/next_entry not supported");
        Assert.Equal(0, Parse("set default=\"${saved_entry}\"\nload_env\n").DefaultIndex);
    }

    [Fact]
    public void LoadEnvReadsTheNamedFileAndOnlyTheNamedVariables()
    {
        Assert.Equal(1, Parse("load_env -f (hd0,1)/other/env\nset default=\"${saved_entry}\"\n").DefaultIndex);
        Assert.Equal(1, Parse("load_env -f ${config_directory}/grubenv\nset default=\"${saved_entry}\"\n").DefaultIndex);
        Assert.Equal(0, Parse("load_env next_entry\nset default=\"${saved_entry}\"\n").DefaultIndex);
        // A branch known not to run loads nothing.
        Assert.Equal(0, Parse("if [ a = b ]; then\nload_env\nfi\nset default=\"${saved_entry}\"\n").DefaultIndex);
    }
}
