namespace Xeno.Migration.SaveFiles;

/// <summary>
/// A save file that cannot be restored. <see cref="Exception.Message"/> is the line xl prints
/// (Xen's own text where Xen has one); <see cref="Detail"/>, when set, says what exactly is wrong
/// and where (byte offsets), for a second line and the logs.
/// </summary>
public sealed class SaveFileException(string message, string? detail = null) : Exception(message)
{
    public string? Detail { get; } = detail;
}
