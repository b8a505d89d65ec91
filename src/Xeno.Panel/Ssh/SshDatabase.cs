using System.Data.Common;
using Xeno.Panel.Data;

namespace Xeno.Panel.Ssh;

/// <summary>
/// The panel database for the SSH commands, which run as sshd's users: one that may not open or
/// write it gets one line naming the file and the reason (on sshd's or the owner's terminal), not a stack trace.
/// </summary>
public static class SshDatabase
{
    public static PanelDatabase? Open(PanelOptions options, TextWriter err)
    {
        try
        {
            var db = PanelDatabase.From(options);
            db.Migrate();
            return db;
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or PanelDatabaseException)
        {
            err.WriteLine($"xeno-panel: cannot use the panel database {(string.IsNullOrEmpty(options.PostgreSql) ? options.DatabasePath : "(PostgreSQL)")}: {e.Message}");
            return null;
        }
    }
}
