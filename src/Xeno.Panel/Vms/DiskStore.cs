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

    public void Delete(string path) => File.Delete(path);
}
