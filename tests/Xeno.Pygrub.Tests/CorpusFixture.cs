using System.Diagnostics;

namespace Xeno.Pygrub.Tests;

/// <summary>One corpus case: our image, and the raw image Xen's pygrub reads in its place.</summary>
public sealed record CorpusCase(string Name, string Image, string XenImage);

/// <summary>Builds the compatibility corpus once per test run with scripts/pygrub-corpus/make-corpus.sh.</summary>
public sealed class CorpusFixture : IDisposable
{
    public string Directory { get; }
    public IReadOnlyDictionary<string, CorpusCase> Cases { get; }

    public CorpusFixture()
    {
        Directory = Tools.TempDirectory();
        var script = Path.Combine(Tools.RepoRoot(), "scripts", "pygrub-corpus", "make-corpus.sh");
        var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(Directory);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(300_000)) { p.Kill(); throw new InvalidOperationException("make-corpus.sh did not finish in 5 minutes"); }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"make-corpus.sh failed ({p.ExitCode}); it needs e2fsprogs, dosfstools, mtools, xorriso, fdisk, gdisk, qemu-utils: {stderr.Result}");
        Cases = File.ReadAllLines(Path.Combine(Directory, "manifest.tsv"))
            .Select(l => l.Split('\t'))
            .ToDictionary(f => f[0], f => new CorpusCase(f[0], f[1], f[2]));
    }

    public byte[] Blob(string name) => File.ReadAllBytes(Path.Combine(Directory, "blobs", name));

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("corpus")]
public sealed class CorpusCollection : ICollectionFixture<CorpusFixture>;
