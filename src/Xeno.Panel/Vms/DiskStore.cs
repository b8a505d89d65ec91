namespace Xeno.Panel.Vms;

/// <summary>
/// The panel's own storage folder: a VM's disk is a sparse raw file named after the VM, never a
/// path an owner typed.
/// </summary>
public sealed class DiskStore(PanelOptions options)
{
    public string PathFor(string vmName) => Path.Combine(options.DiskDir, vmName + ".img");

    /// <summary>Creates the empty disk; false when a file of that name is already there (kept as it is).</summary>
    public bool Create(string path, int sizeGib)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            f.SetLength((long)sizeGib << 30);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="path"/> is a file directly in the storage folder (a disk the panel made).</summary>
    public bool Owns(string path) =>
        Path.IsPathFullyQualified(path) && string.Equals(Path.GetDirectoryName(Path.GetFullPath(path)), Path.GetFullPath(options.DiskDir).TrimEnd('/'), StringComparison.Ordinal);

    public void Delete(string path) => File.Delete(path);

    /// <summary>The backups xenod's conversion left beside a disk of the storage folder (&lt;disk&gt;.convert-&lt;type&gt;-&lt;time&gt;).</summary>
    public IReadOnlyList<string> ConversionBackups(string disk) =>
        Owns(disk) && Directory.Exists(options.DiskDir) ? Directory.GetDirectories(options.DiskDir, Path.GetFileName(disk) + ".convert-*") : [];
}
