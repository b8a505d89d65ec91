namespace Xeno.Panel.Data;

/// <summary>
/// The few places where the panel's SQL differs between databases. Only SQLite exists today;
/// PostgreSQL adds a second instance (BIGSERIAL / BIGINT GENERATED ... AS IDENTITY) and nothing else.
/// </summary>
public sealed record SqlDialect(string Name, string AutoId, string Text, string Timestamp)
{
    public static readonly SqlDialect Sqlite = new("sqlite", "INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT", "TEXT");
}
