namespace Xeno.Boot.Loaders;

/// <summary>Python's int(str) in base 10, for options pygrub reads with int() (--offset, --entry, --runas).</summary>
public static class PythonInt
{
    public static bool TryParse(string text, out long value) => PyText.TryParseInt(text, out value);
}
