using System.Globalization;
using Xeno.Api.Contracts;

namespace Xeno.Cli.Commands.Migration;

/// <summary>
/// xl migrate's progress: one line a second, from QEMU's figures when xenod gave them (pass,
/// bytes, remaining, dirty rate, speed), else from the bytes xl forwarded. On a terminal the
/// line is rewritten in place (carriage return, erase to end of line); otherwise plain lines.
/// </summary>
public static class MigrationProgressLine
{
    public static string Text(MigrationProgress? qemu, long forwardedBytes)
    {
        if (qemu is null || qemu.Status is not ("active" or "device" or "pre-switchover"))
            return string.Create(CultureInfo.InvariantCulture, $"migration sender: {Mib(forwardedBytes)} MiB sent");
        return string.Create(CultureInfo.InvariantCulture,
            $"migration sender: pass {qemu.Iteration}, {Mib(qemu.TransferredBytes)} MiB sent, {Mib(qemu.RemainingBytes)} of {Mib(qemu.TotalBytes)} MiB left, " +
            $"dirtying {qemu.DirtyPagesRate} pages/s, {qemu.Mbps:0} Mbit/s");
    }

    /// <summary>What to write: a plain line, or on a terminal the line rewritten in place.</summary>
    public static string Render(string text, bool terminal) => terminal ? "\r" + text + "\u001b[K" : text + "\n";

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
