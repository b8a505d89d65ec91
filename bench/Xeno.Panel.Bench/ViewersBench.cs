using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Xeno.Engine.Bench;
using Xeno.Panel.Bench.Consoles;
using static Xeno.Panel.Bench.Section;

namespace Xeno.Panel.Bench;

/// <summary>
/// Many viewers of one console through the panel: each a panel console WebSocket (its own page
/// view and ticket), the guest printing a numbered sequence; every viewer must get all of it.
/// </summary>
internal sealed partial class ViewersBench(PanelRig rig, BenchSettings settings)
{
    private sealed record Outcome(int Viewers, int Missing, long LostBytes, int OutOfOrder, List<double> EndMs, List<double> LineSpreadMs, double ReferenceEndMs, long Bytes);

    public async Task<string> RunAsync()
    {
        var root = await rig.LoggedInAsync("root");
        var viewers = new List<WebSocketChannel>();
        WebSocketChannel? typist = null;
        var outcomes = new List<Outcome>();
        try
        {
            // The typist (and the reference every viewer is compared with): xenod's own WebSocket.
            typist = new WebSocketChannel("xenod", await rig.Xenod.AttachConsoleAsync(PanelRig.ConsoleVm));
            for (int i = 0; i < settings.Viewers; i++)
                viewers.Add(new WebSocketChannel($"viewer {i}", await root.OpenConsoleAsync(rig.ConsoleVmId)));
            Console.Error.WriteLine($"panel bench: {viewers.Count} console viewers attached");
            for (int run = 1; run <= settings.Runs; run++)
                outcomes.Add(await OneRunAsync(run, typist, viewers));
        }
        finally
        {
            foreach (var v in viewers)
                await v.DisposeAsync();
            if (typist is not null)
                await typist.DisposeAsync();
        }

        var md = new StringBuilder();
        md.Append(F($"### {settings.Viewers} viewers of one console\n\n"));
        md.Append(F($"Method: {settings.Viewers} viewers of the console guest's console, each the panel's console WebSocket as the console page opens it (the admin's session cookie, a fresh ticket from its own view of the console page), driven by .NET `ClientWebSocket`s in the bench (not {settings.Viewers} browsers: {settings.Viewers} Chromiums do not fit this host; the bytes on the wire are the same). A further viewer attached to xenod's WebSocket directly types the command, a shell loop that prints `R<run>x-0` … `R<run>x-{settings.Lines - 1}`, one per line, then an end marker; each viewer's bytes after the command was sent are checked for every line, in order. Latency: from sending the command to the end marker's arrival at each viewer; spread: for every 10th line of the sequence, its arrival at each viewer minus its earliest arrival at any viewer. {settings.Runs} run(s), the viewers staying attached.\n\n"));
        md.Append("| Run | viewers | bytes per viewer | lines missing (all viewers) | lost bytes | out of order | end marker: xenod direct, ms | end marker at viewers: min / median / max ms | per-line spread across viewers: p50 / p95 / max ms |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        int n = 0;
        foreach (var o in outcomes)
            md.Append(F($"| {++n} | {o.Viewers} | {o.Bytes} | {o.Missing} | {o.LostBytes} | {o.OutOfOrder} | {o.ReferenceEndMs:F0} | {o.EndMs.Min():F0} / {Stats.Median(o.EndMs):F0} / {o.EndMs.Max():F0} | {Stats.Median(o.LineSpreadMs):F1} / {Stats.Percentile(o.LineSpreadMs, 95):F1} / {o.LineSpreadMs.Max():F1} |\n"));
        md.Append('\n');
        return md.ToString();
    }

    private async Task<Outcome> OneRunAsync(int run, WebSocketChannel typist, List<WebSocketChannel> viewers)
    {
        string tag = F($"R{run}x");
        string end = tag + "END42";
        var all = viewers.Prepend(typist).ToList();
        var from = all.ToDictionary(c => c, c => c.Log.Length);
        long sent = Stopwatch.GetTimestamp();
        await typist.SendAsync(Encoding.ASCII.GetBytes(
            F($"i=0; while [ $i -lt {settings.Lines} ]; do echo {tag}-$i; i=$((i+1)); done; echo {tag}END$((6*7))\r")));
        var endBytes = Encoding.ASCII.GetBytes(end);
        var endAt = new Dictionary<WebSocketChannel, long>();
        foreach (var c in all)
        {
            int at = await c.Log.WaitForAsync(b => IndexOf(b, endBytes, from[c]), TimeSpan.FromMinutes(10), $"{c.Name}'s end marker");
            endAt[c] = c.Log.ArrivalOf(at + endBytes.Length - 1);
        }

        var line = new Regex(Regex.Escape(tag) + @"-(\d+)\r?\n", RegexOptions.CultureInvariant);
        int missing = 0, outOfOrder = 0;
        long lost = 0, bytes = 0;
        // Arrival of every 10th line, per viewer.
        var arrivals = new Dictionary<int, List<long>>();
        foreach (var c in all)
        {
            var data = c.Log.Snapshot();
            var text = Encoding.ASCII.GetString(data, from[c], data.Length - from[c]);
            bytes = c == typist ? bytes : Math.Max(bytes, text.Length);
            var seen = new HashSet<int>();
            int last = -1;
            foreach (Match m in line.Matches(text))
            {
                int i = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (i <= last && c != typist) outOfOrder++;
                last = i;
                seen.Add(i);
                if (i % 10 == 0)
                {
                    if (!arrivals.TryGetValue(i, out var list)) arrivals[i] = list = [];
                    list.Add(c.Log.ArrivalOf(from[c] + m.Index + m.Length - 1));
                }
            }
            for (int i = 0; i < settings.Lines && c != typist; i++)
            {
                if (seen.Contains(i)) continue;
                missing++;
                lost += F($"{tag}-{i}\r\n").Length;
            }
        }
        var spread = arrivals.Values.SelectMany(t => t.Select(x => Stopwatch.GetElapsedTime(t.Min(), x).TotalMilliseconds)).ToList();
        var endMs = viewers.Select(v => Stopwatch.GetElapsedTime(sent, endAt[v]).TotalMilliseconds).ToList();
        return new Outcome(viewers.Count, missing, lost, outOfOrder, endMs, spread.Count > 0 ? spread : [0],
            Stopwatch.GetElapsedTime(sent, endAt[typist]).TotalMilliseconds, bytes);
    }

    private static int IndexOf(List<byte> haystack, byte[] needle, int from)
    {
        for (int i = from; i <= haystack.Count - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
