namespace Xeno.Boot.Images;

/// <summary>Container formats a guest disk file can have.</summary>
public enum ImageFormat
{
    Raw,
    Qcow2,
}
