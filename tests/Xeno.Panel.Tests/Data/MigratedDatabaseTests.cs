using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Data;

/// <summary>Tests of the panel's stores, each on a fresh database (SQLite or a real PostgreSQL server's) migrated to the current schema.</summary>
public abstract class MigratedDatabaseTests : IDisposable
{
    private readonly TestDatabase _t;

    protected MigratedDatabaseTests(TestDatabase t)
    {
        _t = t;
        Db = t.Db;
        Db.Migrate();
    }

    protected PanelDatabase Db { get; }

    public void Dispose() => _t.Dispose();
}
