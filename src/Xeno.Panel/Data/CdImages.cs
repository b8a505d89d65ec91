using System.Data.Common;

namespace Xeno.Panel.Data;

/// <summary>An ISO image of the catalogue: owners see its name and checksum, never its path.</summary>
public sealed record CdImage(long Id, string Name, string Path, long SizeBytes, string Sha256, bool Uploaded, string AddedBy, string Created);

/// <summary>The cd_images table (the CD image catalogue admins keep).</summary>
public sealed class CdImages(PanelDatabase db)
{
    private const string Columns = "id, name, path, size_bytes, sha256, uploaded, added_by, created";

    public IReadOnlyList<CdImage> All()
    {
        using var c = db.Open();
        return Db.Query(c, $"SELECT {Columns} FROM cd_images ORDER BY name", Read);
    }

    public CdImage? Find(string name)
    {
        using var c = db.Open();
        return Db.Query(c, $"SELECT {Columns} FROM cd_images WHERE name = @n", Read, ("@n", name)).FirstOrDefault();
    }

    public CdImage? Get(long id)
    {
        using var c = db.Open();
        return Db.Query(c, $"SELECT {Columns} FROM cd_images WHERE id = @i", Read, ("@i", id)).FirstOrDefault();
    }

    /// <summary>Records an image; null when the name is taken.</summary>
    public CdImage? Add(string name, string path, long size, string sha256, bool uploaded, string addedBy)
    {
        using var c = db.Open();
        try
        {
            Db.Execute(c, null, "INSERT INTO cd_images (name, path, size_bytes, sha256, uploaded, added_by, created) VALUES (@n, @p, @s, @h, @u, @a, @t)",
                ("@n", name), ("@p", path), ("@s", size), ("@h", sha256), ("@u", uploaded ? 1 : 0), ("@a", addedBy), ("@t", Db.Now()));
        }
        catch (DbException) when (Find(name) is not null)
        {
            return null;
        }
        return Find(name);
    }

    /// <summary>How many VMs have this image chosen as their boot CD (an image in use is not removed).</summary>
    public int UsedBy(long id)
    {
        using var c = db.Open();
        return Convert.ToInt32(Db.Scalar(c, null, "SELECT COUNT(*) FROM vm_boot WHERE cd_image_id = @i", ("@i", id)));
    }

    public void Remove(long id)
    {
        using var c = db.Open();
        Db.Execute(c, null, "DELETE FROM cd_images WHERE id = @i", ("@i", id));
    }

    private static CdImage Read(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4),
        r.GetInt64(5) != 0, r.GetString(6), r.GetString(7));
}
