using System.Diagnostics;
using System.Text;
using Xeno.Qemu.Qmp;

namespace Xeno.Qemu.Tests.Qmp;

public class QmpMessageParserTests
{
    internal const string Greeting = """{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}""";

    private static QmpMessage Parse(string line) => QmpMessageParser.Parse(Encoding.UTF8.GetBytes(line));

    [Fact]
    public void TheGreetingIsParsedWithVersionAndCapabilities()
    {
        var greeting = Assert.IsType<QmpGreeting>(Parse(Greeting));
        Assert.Equal((7, 2, 22), (greeting.Major, greeting.Minor, greeting.Micro));
        Assert.Equal("Debian 1:7.2+dfsg-7+deb12u18+b3", greeting.Package);
        Assert.Equal(["oob"], greeting.Capabilities);
    }

    [Fact]
    public void ReturnWithId()
    {
        var r = Assert.IsType<QmpReturn>(Parse("""{"return": {"status": "running", "singlestep": false, "running": true}, "id": "xeno-7"}"""));
        Assert.Equal("xeno-7", r.Id);
        Assert.Equal("running", r.Value.GetProperty("status").GetString());
    }

    [Fact]
    public void ErrorWithClassAndDescription()
    {
        var e = Assert.IsType<QmpError>(Parse("""{"id": "xeno-2", "error": {"class": "CommandNotFound", "desc": "The command frob has not been found"}}"""));
        Assert.Equal(("xeno-2", "CommandNotFound", "The command frob has not been found"), (e.Id, e.ErrorClass, e.Description));
    }

    [Theory]
    [InlineData("""{"timestamp": {"seconds": 1763681234, "microseconds": 512034}, "event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-shutdown"}}""", "SHUTDOWN", "guest-shutdown", true, null)]
    [InlineData("""{"timestamp": {"seconds": 1763681234, "microseconds": 0}, "event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-reset"}}""", "SHUTDOWN", "guest-reset", true, null)]
    [InlineData("""{"timestamp": {"seconds": 1, "microseconds": 1}, "event": "RESET", "data": {"guest": false, "reason": "host-qmp-system-reset"}}""", "RESET", "host-qmp-system-reset", false, null)]
    [InlineData("""{"timestamp": {"seconds": 1, "microseconds": 1}, "event": "GUEST_PANICKED", "data": {"action": "pause", "info": {"type": "hyper-v"}}}""", "GUEST_PANICKED", null, null, "pause")]
    [InlineData("""{"timestamp": {"seconds": 1, "microseconds": 1}, "event": "STOP"}""", "STOP", null, null, null)]
    public void Events(string line, string name, string? reason, bool? guest, string? action)
    {
        var e = Assert.IsType<QmpEvent>(Parse(line));
        Assert.Equal((name, reason, guest, action), (e.Name, e.Reason, e.Guest, e.Action));
    }

    [Fact]
    public void EventTimestampIsMicrosecondPrecise()
    {
        var e = Assert.IsType<QmpEvent>(Parse("""{"timestamp": {"seconds": 1763681234, "microseconds": 512034}, "event": "RESUME"}"""));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1763681234).AddTicks(5120340), e.Timestamp);
    }

    [Theory]
    [InlineData("{\"return\": ", "malformed JSON from QEMU")]
    [InlineData("[1, 2]", "QMP message is a JSON array, not an object")]
    [InlineData("\"hello\"", "QMP message is a JSON string, not an object")]
    [InlineData("{\"foo\": 1}", "QMP message has none of return/error/event/QMP")]
    [InlineData("{\"event\": 5}", "QMP event name is not a string")]
    [InlineData("{\"event\": \"\"}", "QMP event name is not a string")]
    [InlineData("{\"event\": \"X\", \"timestamp\": {\"seconds\": \"1\", \"microseconds\": 0}}", "QMP event timestamp is malformed")]
    [InlineData("{\"event\": \"X\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 1000000}}", "QMP event timestamp is malformed")]
    [InlineData("{\"error\": []}", "QMP error is not an object")]
    [InlineData("{\"error\": {\"class\": 1}}", "QMP field 'class' is not a string")]
    [InlineData("{\"QMP\": {\"capabilities\": 3}}", "QMP greeting capabilities is not an array")]
    [InlineData("{\"QMP\": {\"version\": {\"qemu\": {\"major\": 1.5}}}}", "QMP field 'major' is not an integer")]
    [InlineData("{\"event\": \"\\ud800\"}", "undecodable value in QMP message")]
    public void MalformedMessagesGiveAClearProtocolError(string line, string expectedStart)
    {
        var error = Assert.Throws<QmpProtocolException>(() => Parse(line));
        Assert.StartsWith(expectedStart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8IsAProtocolError()
    {
        byte[] bytes = [.. "{\"event\": \""u8, 0xff, 0xfe, .. "\"}"u8];
        // The JSON reader only notices when the string is decoded; still a protocol error.
        var error = Assert.Throws<QmpProtocolException>(() => QmpMessageParser.Parse(bytes));
        Assert.StartsWith("undecodable value in QMP message", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorSnippetIsPrintableAndShort()
    {
        var error = Assert.Throws<QmpProtocolException>(() => Parse("{\u0001" + new string('x', 500)));
        Assert.DoesNotContain('\u0001', error.Message);
        Assert.EndsWith("...", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 400);
    }

    internal static readonly string[] Samples =
    [
        Greeting,
        """{"return": {}, "id": "xeno-1"}""",
        """{"return": [{"cpu-index": 0, "qom-path": "/machine/unattached/device[0]", "thread-id": 4242, "props": {"core-id": 0}, "target": "x86_64"}], "id": "xeno-3"}""",
        """{"return": {"status": "paused", "singlestep": false, "running": false}, "id": "xeno-9"}""",
        """{"id": "xeno-2", "error": {"class": "GenericError", "desc": "bad"}}""",
        """{"timestamp": {"seconds": 1763681234, "microseconds": 512034}, "event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-shutdown"}}""",
        """{"timestamp": {"seconds": 1763681234, "microseconds": 512034}, "event": "GUEST_PANICKED", "data": {"action": "pause"}}""",
    ];

    [Fact]
    public void RandomAndMutatedInputsYieldMessagesOrProtocolErrorsOnly()
    {
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("XENO_LONG_FUZZ"), out int n) && n > 0 ? n : 10_000;
        var random = new Random(4711);
        var watch = Stopwatch.StartNew();
        int parsed = 0, refused = 0;
        for (int i = 0; i < iterations; i++)
        {
            byte[] input = i % 4 == 0 ? RandomBytes(random) : Mutate(random, Encoding.UTF8.GetBytes(Samples[random.Next(Samples.Length)]));
            try
            {
                Assert.NotNull(QmpMessageParser.Parse(input));
                parsed++;
            }
            catch (QmpProtocolException)
            {
                refused++;
            }
        }
        Assert.True(parsed > 100 && refused > 100, $"fuzzer is not exercising both paths: {parsed} parsed, {refused} refused");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
    }

    internal static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 200)];
        random.NextBytes(bytes);
        return bytes;
    }

    internal static byte[] Mutate(Random random, byte[] input)
    {
        var bytes = new List<byte>(input);
        int edits = random.Next(1, 6);
        const string interesting = "{}[]\":,\\0123456789-.eE tfn\u00ff";
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes.RemoveAt(at); break;
                case 2: bytes.Insert(at, (byte)interesting[random.Next(interesting.Length)]); break;
                case 3: bytes.RemoveRange(at, bytes.Count - at); break;
                default: bytes[at] = (byte)interesting[random.Next(interesting.Length)]; break;
            }
        }
        return [.. bytes];
    }
}
