using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Xeno.Config.Tests.Specs.Oracle;

/// <summary>
/// Builds tools/xl-spec-oracle (a small C program linked against Debian's Xen 4.17
/// libxlutil) once per test run and feeds it batches of inputs.
/// Missing gcc or Xen libraries make the tests fail with a message saying what to install.
/// </summary>
internal static class TempDirs
{
    public static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

internal static class XlSpecOracle
{
    private static readonly Lazy<string> Binary = new(Build);

    public static IReadOnlyList<Dictionary<string, string>> Run(string mode, IEnumerable<string> records)
    {
        var input = new MemoryStream();
        foreach (var r in records)
        {
            var bytes = Encoding.UTF8.GetBytes(r);
            input.Write(bytes);
            input.WriteByte(0);
        }

        var psi = new ProcessStartInfo(Binary.Value, mode)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the oracle");
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        p.StandardInput.BaseStream.Write(input.ToArray());
        p.StandardInput.Close();
        if (!p.WaitForExit(120_000))
        {
            p.Kill();
            throw new TimeoutException("xl-spec-oracle did not finish in 120 s");
        }
        var stdout = stdoutTask.Result;
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"xl-spec-oracle exited {p.ExitCode}: {stderrTask.Result}");

        var results = new List<Dictionary<string, string>>();
        var current = new Dictionary<string, string>();
        foreach (var line in stdout.Split('\n'))
        {
            if (line == "=END=")
            {
                results.Add(current);
                current = new Dictionary<string, string>();
                continue;
            }
            if (line.Length == 0) continue;
            int eq = line.IndexOf('=');
            string key = eq < 0 ? "raw" : line[..eq];
            string value = eq < 0 ? line : line[(eq + 1)..];
            if (eq >= 0 && key.Contains(' ')) { key = "raw"; value = line; }
            current[key] = current.TryGetValue(key, out var prev) ? prev + "\n" + value : value;
        }
        return results;
    }

    /// <summary>The oracle's escaping: \\, \n and \xHH for other control or non-ASCII bytes.</summary>
    public static string Escape(string? s)
    {
        if (s == null) return "(NULL)";
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            if (b == '\\') sb.Append("\\\\");
            else if (b == '\n') sb.Append("\\n");
            else if (b < 0x20 || b >= 0x7f) sb.Append($"\\x{b:x2}");
            else sb.Append((char)b);
        }
        return sb.ToString();
    }

    /// <summary>Re-reads oracle output as UTF-8 the way .NET decodes it (a split multi-byte
    /// sequence becomes U+FFFD), so it compares with our strings.</summary>
    public static string NormalizeUtf8(string escaped)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] == '\\' && i + 1 < escaped.Length)
            {
                char c = escaped[i + 1];
                if (c == '\\') { bytes.Add((byte)'\\'); i++; continue; }
                if (c == 'n') { bytes.Add((byte)'\n'); i++; continue; }
                if (c == 'x' && i + 3 < escaped.Length)
                {
                    bytes.Add(Convert.ToByte(escaped.Substring(i + 2, 2), 16));
                    i += 3;
                    continue;
                }
            }
            bytes.Add((byte)escaped[i]);
        }
        return Escape(Encoding.UTF8.GetString(bytes.ToArray()));
    }

    private static string Build()
    {
        var source = FindSource();
        if (!File.Exists("/usr/include/libxlutil.h"))
            throw new InvalidOperationException(
                "xl-spec-oracle needs Xen's headers: apt-get install libxen-dev (and xen-utils-4.17 for the libraries)");
        var dir = Path.Combine(Path.GetTempPath(), "xeno-xl-spec-oracle-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TempDirs.TryDelete(dir);
        var output = Path.Combine(dir, "xl-spec-oracle");
        var psi = new ProcessStartInfo("gcc", ["-O1", "-Wall", "-Werror", "-o", output, source, "-lxlutil", "-lxenlight"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process? gcc;
        try { gcc = Process.Start(psi); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("xl-spec-oracle needs gcc (apt-get install gcc): " + e.Message, e);
        }
        using (gcc)
        {
            if (gcc == null) throw new InvalidOperationException("cannot start gcc");
            var err = gcc.StandardError.ReadToEnd();
            gcc.WaitForExit();
            if (gcc.ExitCode != 0)
                throw new InvalidOperationException(
                    "building xl-spec-oracle failed (needs gcc, libxen-dev, libxlutil 4.17): " + err);
        }
        return output;
    }

    private static string FindSource([CallerFilePath] string thisFile = "")
    {
        const string relative = "tools/xl-spec-oracle/xl-spec-oracle.c";
        var env = Environment.GetEnvironmentVariable("XENO_SPEC_ORACLE_SRC");
        if (!string.IsNullOrEmpty(env) && File.Exists(env)) return env;
        foreach (var start in new[] { Path.GetDirectoryName(thisFile), Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = start; !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
            {
                var candidate = Path.Combine(d, relative);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException($"cannot find {relative} (set XENO_SPEC_ORACLE_SRC)");
    }
}
