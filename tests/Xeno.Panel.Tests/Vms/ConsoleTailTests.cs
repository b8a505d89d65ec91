using Xeno.Panel.Vms;

namespace Xeno.Panel.Tests.Vms;

public sealed class ConsoleTailTests
{
    [Fact]
    public void EscapesAndControlsGoLinesStay()
    {
        var raw = "boot\r\n\u001b[1;32mOK\u001b[0m started\r\n\u001b]0;title\u0007prompt \u0008# \rnext";
        Assert.Equal("boot\nOK started\nprompt # \nnext", ConsoleTail.Of(raw));
    }

    [Fact]
    public void OnlyTheLastLinesAreKept()
    {
        var raw = string.Join("\n", Enumerable.Range(1, 100).Select(i => $"line {i}"));
        var tail = ConsoleTail.Of(raw, maxLines: 3);
        Assert.Equal("line 98\nline 99\nline 100", tail);
        Assert.Equal("", ConsoleTail.Of(null));
        Assert.True(ConsoleTail.Of(new string('x', 50000), maxChars: 100).Length == 100);
    }

    /// <summary>Whatever a guest writes: no exception, no control character but newline and tab, within the bounds.</summary>
    [Fact]
    public void RandomGuestOutputNeverThrows()
    {
        var rng = new Random(1407);
        char[] pieces = ['\u001b', '[', ']', '\u0007', '\\', '\r', '\n', 'm', ';', '1', 'a', '\t', '\0', '\u009b', 'é'];
        for (int i = 0; i < 5000; i++)
        {
            var s = new string(Enumerable.Range(0, rng.Next(200)).Select(_ => rng.Next(3) == 0 ? (char)rng.Next(0, 0xFFFF) : pieces[rng.Next(pieces.Length)]).ToArray());
            var tail = ConsoleTail.Of(s, maxLines: 5, maxChars: 64);
            Assert.True(tail.Length <= 64);
            Assert.True(tail.Split('\n').Length <= 5);
            Assert.DoesNotContain(tail, c => char.IsControl(c) && c != '\n' && c != '\t');
        }
    }
}
