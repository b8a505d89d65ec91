namespace Xeno.Qemu.Processes;

/// <summary>QEMU did not come up; the message carries QEMU's own error text when it gave one.</summary>
public sealed class QemuStartException : Exception
{
    public QemuStartException(string message) : base(message) { }
    public QemuStartException(string message, Exception inner) : base(message, inner) { }
}
