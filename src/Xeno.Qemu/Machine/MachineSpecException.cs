namespace Xeno.Qemu.Machine;

/// <summary>A machine description QEMU cannot run; <see cref="Field"/> names the offending part.</summary>
public sealed class MachineSpecException : Exception
{
    public MachineSpecException(string field, string message) : base($"{field}: {message}")
    {
        Field = field;
    }

    public string Field { get; }
}
