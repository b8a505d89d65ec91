namespace Xeno.Migration.SaveFiles;

/// <summary>
/// A save file that cannot be restored. <see cref="Exception.Message"/> is the line xl prints
/// (Xen's own text where Xen has one: then <see cref="IsXenText"/>, and xl prints nothing more
/// unless asked with -v); <see cref="Detail"/>, when set, says what exactly is wrong and where
/// (byte offsets), for a second line and the logs.
/// </summary>
public sealed class SaveFileException(string message, string? detail = null, bool isXenText = false) : Exception(message)
{
    public string? Detail { get; } = detail;
    public bool IsXenText { get; } = isXenText;

    /// <summary>One of Xen's xl / libxl messages, word for word.</summary>
    public static SaveFileException Xen(string message, string? detail = null) => new(message, detail, isXenText: true);
}
