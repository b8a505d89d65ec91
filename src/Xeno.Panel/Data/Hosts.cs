namespace Xeno.Panel.Data;

public sealed record PanelHost(long Id, string Name, string XenodSocket);

/// <summary>
/// The hosts table: one xenod today (the panel's own, kept in step with its configuration at
/// start), a list so a cluster adds rows without reshaping the panel.
/// </summary>
public sealed class Hosts(PanelDatabase db)
{
    public const string LocalName = "local";

    public PanelHost EnsureLocal(string socket)
    {
        using var c = db.Open();
        if (Db.Execute(c, null, "UPDATE hosts SET xenod_socket = @s WHERE name = @n", ("@s", socket), ("@n", LocalName)) == 0)
            Db.Execute(c, null, "INSERT INTO hosts (name, xenod_socket) VALUES (@n, @s)", ("@n", LocalName), ("@s", socket));
        return Get(LocalName)!;
    }

    public PanelHost? Get(string name)
    {
        using var c = db.Open();
        return Db.Query(c, "SELECT id, name, xenod_socket FROM hosts WHERE name = @n", r => new PanelHost(r.GetInt64(0), r.GetString(1), r.GetString(2)), ("@n", name)).FirstOrDefault();
    }

    public IReadOnlyList<PanelHost> All()
    {
        using var c = db.Open();
        return Db.Query(c, "SELECT id, name, xenod_socket FROM hosts ORDER BY id", r => new PanelHost(r.GetInt64(0), r.GetString(1), r.GetString(2)));
    }

    public PanelHost? Get(long id)
    {
        using var c = db.Open();
        return Db.Query(c, "SELECT id, name, xenod_socket FROM hosts WHERE id = @i", r => new PanelHost(r.GetInt64(0), r.GetString(1), r.GetString(2)), ("@i", id)).FirstOrDefault();
    }
}
