using System.Text;
using Xeno.Config.Domain;
using Xeno.Config.Tests.Names;
using Xeno.Engine.Hosting;
using Xeno.Engine.Store;
using Xeno.Store.Tree;

namespace Xeno.Engine.Tests.Unit;

/// <summary>Names cannot escape: every name is refused, or gives host files inside their folders
/// and xenstore nodes with valid paths.</summary>
public class NamePathTests
{
    private static readonly EnginePaths Paths = new("/p");

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("/etc/passwd")]
    [InlineData("a\0b")]
    public void FileInsideThrowsForWhatIsNotOneEntryOfTheFolder(string fileName) =>
        Assert.Throws<ArgumentException>(() => EnginePaths.FileInside("/p/var/lib/xeno/dump", fileName));

    [Fact]
    public void TheEscapeOnceMeasuredIsRefusedAndCouldNotHappenAnyway()
    {
        Assert.NotNull(DomainName.Problem("../../../tmp/evilx"));
        Assert.Throws<ArgumentException>(() => Paths.ConsoleLog("../../../tmp/evilx"));
        Assert.Equal("/p/var/log/xeno/console/web.log", Paths.ConsoleLog("web"));
        Assert.Equal("/p/var/lib/xeno/dump/web", Paths.DumpFile("web"));
        Assert.Equal("/p/var/lib/xeno/dump/..a", Paths.DumpFile("..a"));
    }

    [Fact]
    public void RandomNamesAreRefusedOrStayInsideTheirFoldersAndMakeValidXenstoreNodes()
    {
        var spec = Specs.From("name='g'\nkernel='/k'\ndisk=['/d.img,raw,xvda,rw']\n");
        var names = new HostileNames(3);
        int accepted = 0;
        for (int i = 0; i < 20000; i++)
        {
            var name = names.Next();

            // The last line holds for every name, valid or not.
            foreach (var (folder, file) in new[] { (Paths.ConsoleLogDir, name + ".log"), (Paths.DumpDir, name) })
            {
                string path;
                try { path = EnginePaths.FileInside(folder, file); }
                catch (ArgumentException) { continue; }
                Assert.Equal(folder, Path.GetDirectoryName(path));
            }

            if (DomainName.Problem(name) is not null) continue;
            accepted++;
            var log = Paths.ConsoleLog(name);
            Assert.Equal(Paths.ConsoleLogDir, Path.GetDirectoryName(log));
            Assert.True(Encoding.UTF8.GetByteCount(Path.GetFileName(log) + ".10") <= 255, name);
            Assert.Equal(Paths.DumpDir, Path.GetDirectoryName(Paths.DumpFile(name)));
            foreach (var (path, value) in DomainStoreNodes.For(7, name, spec with { Name = name }, DateTimeOffset.UnixEpoch))
            {
                Assert.True(StorePath.IsValidNode(path, 0, StorePath.AbsoluteMax), path);
                Assert.True(Encoding.UTF8.GetByteCount(path) + 1 + Encoding.UTF8.GetByteCount(value) <= 4096, path);
            }
        }
        Assert.True(accepted > 1000, $"only {accepted} names accepted: the generator lost its mix");
    }
}
