namespace Xeno.Qemu.Machine;

/// <summary>An executable and its argument vector (never a shell string).</summary>
public sealed record QemuInvocation(string Executable, IReadOnlyList<string> Arguments)
{
    /// <summary>For logs only: a readable rendering, not meant to be fed to a shell.</summary>
    public override string ToString() => string.Join(' ', new[] { Executable }.Concat(Arguments));
}
