namespace Xeno.Boot.Loaders;

/// <summary>No candidate partition gave a kernel; carries what each attempt said (pygrub prints those too).</summary>
public sealed class BootSearchException(string message, IReadOnlyList<PartitionAttempt> attempts) : BootException(message)
{
    public IReadOnlyList<PartitionAttempt> Attempts { get; } = attempts;
}
