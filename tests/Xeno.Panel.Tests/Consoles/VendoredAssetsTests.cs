using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Support;

namespace Xeno.Panel.Tests.Consoles;

/// <summary>
/// The browser libraries committed under src/Xeno.Panel/wwwroot/lib are the ones the npm lock
/// file pins: package.json pins exact versions, the lock agrees and carries npm's integrity for
/// each tarball, vendored.txt (written by scripts/panel-assets from an `npm ci` of that lock)
/// names each committed file's package version and SHA-256, and the committed bytes have that
/// hash. Nothing else lies under wwwroot/lib, and no page loads a script from another site.
/// </summary>
public sealed partial class VendoredAssetsTests
{
    private static string Panel => Path.Combine(GuestKit.RepoRoot(), "src", "Xeno.Panel");
    private static string Assets => Path.Combine(Panel, "ClientAssets");
    private static string Lib => Path.Combine(Panel, "wwwroot", "lib");

    private sealed record Vendored(string Sha256, string Package, string Version, string File, string Target);

    private static List<Vendored> Manifest() =>
        [.. File.ReadAllLines(Path.Combine(Assets, "vendored.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split("  "))
            .Select(f =>
            {
                Assert.Equal(4, f.Length);
                int at = f[1].LastIndexOf('@');
                return new Vendored(f[0], f[1][..at], f[1][(at + 1)..], f[2], f[3]);
            })];

    [Fact]
    public void TheLockFilePinsWhatPackageJsonAsksForWithIntegrity()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(Assets, "package.json")));
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(Assets, "package-lock.json")));
        var packages = lockFile.RootElement.GetProperty("packages");
        var wanted = package.RootElement.GetProperty("dependencies").EnumerateObject().ToList();
        Assert.Contains(wanted, d => d.Name == "@xterm/xterm" && d.Value.GetString() == "6.0.0");
        foreach (var dep in wanted)
        {
            Assert.Matches(@"^\d+\.\d+\.\d+$", dep.Value.GetString()); // exact, no ranges
            var locked = packages.GetProperty("node_modules/" + dep.Name);
            Assert.Equal(dep.Value.GetString(), locked.GetProperty("version").GetString());
            Assert.StartsWith("sha512-", locked.GetProperty("integrity").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryCommittedFileHasTheHashAndLockedVersionOfItsPackageFile()
    {
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(Assets, "package-lock.json")));
        var packages = lockFile.RootElement.GetProperty("packages");
        var manifest = Manifest();
        Assert.NotEmpty(manifest);
        foreach (var v in manifest)
        {
            Assert.Equal(packages.GetProperty("node_modules/" + v.Package).GetProperty("version").GetString(), v.Version);
            var path = Path.Combine(Lib, v.Target);
            Assert.True(File.Exists(path), $"wwwroot/lib/{v.Target} is missing");
            Assert.Equal(v.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
        }
        // The list scripts/panel-assets copies is what was vendored, and nothing else is there.
        var listed = File.ReadAllLines(Path.Combine(Assets, "assets.txt"))
            .Where(l => l.Trim().Length > 0 && !l.StartsWith('#'))
            .Select(l => string.Join(" ", l.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(listed, manifest.Select(v => $"{v.Package} {v.File} {v.Target}"));
        var present = Directory.GetFiles(Lib, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Lib, f)).Order(StringComparer.Ordinal);
        Assert.Equal(manifest.Select(v => v.Target).Order(StringComparer.Ordinal), present);
    }

    [Fact]
    public void PagesLoadScriptsAndStylesOnlyFromThePanel()
    {
        var files = Directory.GetFiles(Path.Combine(Panel, "Pages"), "*.cshtml", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(Panel, "wwwroot", "js"), "*.js"));
        foreach (var file in files)
        {
            foreach (Match m in SourceAttribute().Matches(File.ReadAllText(file)))
                Assert.True(m.Groups[1].Value.StartsWith('/') && !m.Groups[1].Value.StartsWith("//", StringComparison.Ordinal),
                    $"{Path.GetFileName(file)} loads {m.Groups[1].Value}: serve it from wwwroot (scripts/panel-assets), never another site");
        }
    }

    [GeneratedRegex("(?:src|href)=\"((?:https?:)?//[^\"]*|/[^\"]*)\"")]
    private static partial Regex SourceAttribute();
}
