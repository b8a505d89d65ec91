using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// xl restore &lt;ConfigFile&gt; &lt;CheckpointFile&gt; (Xen's: the config file replaces the stored one), on
/// a domain created paused (its kernel never runs: no guest boot's cost): the restored domain
/// takes the given config's name and keeps the saved UUID; a config that cannot be read and one
/// that describes another machine (QEMU refuses the state) each create nothing. xl save's config
/// file is stored in the file and names what a plain restore creates.
/// </summary>
public sealed class RestoreWithConfigTests
{
    private static readonly Regex UuidColumn = new(@"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b");

    private static string Uuid(Xenod x, string name)
    {
        var (exit, output, err) = x.Xl("list", "-v", name);
        Assert.True(exit == 0, err);
        return UuidColumn.Match(output).Value;
    }

    [Fact]
    public async Task AConfigFileReplacesTheStoredConfigAndABadOneCreatesNothing()
    {
        string name = "rc-" + Guid.NewGuid().ToString("N")[..6], renamed = name + "-b";
        await using var x = await Xenod.StartAsync();
        Assert.Equal(0, x.Xl("create", "-q", "-p", x.PvConfig(name)).Exit);
        string uuid = Uuid(x, name);
        Assert.NotEmpty(uuid);
        var file = Path.Combine(x.Root, "rc.save");
        var save = x.Xl("save", name, file);
        Assert.True(save.Exit == 0, save.Err);
        Assert.Equal(["Domain-0"], x.ListNames());

        // A config that cannot be read: xl's create message, after the save file's lines; nothing created.
        var missing = Path.Combine(x.Root, "missing.cfg");
        var (exit, _, err) = x.Xl("restore", "-p", missing, file);
        Assert.Equal(3, exit);
        Assert.StartsWith("Loading new save file " + file, err);
        Assert.EndsWith($"Failed to read config file: {missing}: No such file or directory\n", err);
        Assert.Equal(["Domain-0"], x.ListNames());

        // Another machine (more memory): QEMU refuses the state; the new domain is undone.
        (exit, _, err) = x.Xl("restore", "-p", x.PvConfig(renamed, memory: 160), file);
        Assert.True(exit != 0, err);
        Assert.Equal(["Domain-0"], x.ListNames());

        // The same machine under another name: the config's name, the saved UUID, paused (-p).
        var config = x.PvConfig(renamed);
        (exit, _, err) = x.Xl("restore", "-p", config, file);
        Assert.True(exit == 0, err);
        Assert.Contains(" Savefile contains xl domain config in JSON format\nParsing config from " + config + "\n", err);
        Assert.Equal(["Domain-0", renamed], x.ListNames());
        Xenod.AssertRow(@" --p--- ", x.ListRow(renamed));
        Assert.Equal(uuid, Uuid(x, renamed));

        // xl save's config file: one that cannot be read leaves the domain as it was; a good one is
        // stored in the file, so a plain restore creates the domain it describes (its name, the same UUID).
        var again = Path.Combine(x.Root, "rc2.save");
        var unread = x.Xl("save", renamed, again, missing);
        Assert.Equal((1, $"Failed to read config file: {missing}: No such file or directory\n"), (unread.Exit, unread.Err));
        Assert.False(File.Exists(again));
        Assert.Equal(["Domain-0", renamed], x.ListNames());
        string third = name + "-c";
        var stored = x.Xl("save", renamed, again, x.PvConfig(third));
        Assert.True(stored.Exit == 0, stored.Err);
        Assert.DoesNotContain("Parsing config from", stored.Err);
        Assert.Equal(["Domain-0"], x.ListNames());
        (exit, _, err) = x.Xl("restore", "-p", again);
        Assert.True(exit == 0, err);
        Assert.Equal(["Domain-0", third], x.ListNames());
        Assert.Equal(uuid, Uuid(x, third));
        Assert.Equal(0, x.Xl("destroy", third).Exit);
    }
}
