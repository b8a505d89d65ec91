namespace Xeno.Panel.Data;

/// <summary>
/// The panel cannot use its database: unreachable, refused, a failed migration, a schema newer
/// than this panel. The message names the database (never a password) and is what xeno-panel
/// prints before it exits, without a stack trace.
/// </summary>
public sealed class PanelDatabaseException(string message, Exception? inner = null) : Exception(message, inner);
