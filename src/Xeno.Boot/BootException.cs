namespace Xeno.Boot;

/// <summary>A guest disk or boot configuration that cannot be used; the message names the problem and where it is.</summary>
public class BootException : Exception
{
    public BootException(string message) : base(message) { }
    public BootException(string message, Exception inner) : base(message, inner) { }
}
