using System.Text;
using Xeno.Boot;

namespace Xeno.Boot.Tests.Loaders;

/// <summary>A guest filesystem held in memory: files by absolute path, directories implied by them.</summary>
internal sealed class MemoryFileSystem : IGuestFileSystem
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public string Kind => "memory";

    public MemoryFileSystem Add(string path, string text) => Add(path, Encoding.UTF8.GetBytes(text));

    public MemoryFileSystem Add(string path, byte[] bytes)
    {
        _files[path] = bytes;
        return this;
    }

    public bool FileExists(string path) => _files.ContainsKey(path);

    public bool DirectoryExists(string path)
    {
        var prefix = path.TrimEnd('/') + "/";
        return prefix == "/" || _files.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
    }

    public IReadOnlyList<string> ListDirectory(string path)
    {
        var prefix = path.TrimEnd('/') + "/";
        return [.. _files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k.Substring(prefix.Length).Split('/')[0]).Distinct()];
    }

    public Stream OpenFile(string path) =>
        _files.TryGetValue(path, out var bytes) ? new MemoryStream(bytes, writable: false) : throw new BootException($"{path}: no such file");
}
