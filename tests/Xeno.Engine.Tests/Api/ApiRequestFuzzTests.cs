using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Config.Domain;
using Xeno.Engine.Tests.Support;
using Xeno.Engine.Tests.Unit;

namespace Xeno.Engine.Tests.Api;

/// <summary>
/// Request bodies are untrusted bytes: thousands of mutated bodies thrown at a running xenod
/// (no guests) answer a clean 400, 404 or 409 with an error object, never a 500 or a hang.
/// </summary>
public sealed class ApiRequestFuzzTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A valid body per POST route (the create's spec names files that do not exist, so nothing starts).</summary>
    private static (string Path, string Body)[] Seeds() =>
    [
        ("/v1/domains", new JsonObject
        {
            ["spec"] = JsonNode.Parse(DomainSpecJson.Write(Specs.From(Specs.Samples[0]))), ["paused"] = false, ["vnc_password"] = "pw",
        }.ToJsonString()),
        ("/v1/domains/nosuch/rename", """{"name":"other"}"""),
        ("/v1/domains/7/memory/target", """{"target_kb":131072}"""),
        ("/v1/domains/nosuch/memory/max", """{"max_kb":262144}"""),
        ("/v1/domains/nosuch/vcpus/pin", """{"vcpu":0,"hard":[0,1],"soft":null}"""),
        ("/v1/domains/nosuch/shutdown", """{"acpi_fallback":true}"""),
        ("/v1/domains/9/reboot", """{"acpi_fallback":false}"""),
        ("/v1/domains/nosuch/destroy", ""),
        ("/v1/domains/nosuch/pause", ""),
        // Every default path is missing under the test's prefix: no install can start.
        ("/v1/guests/install", """{"name":"web1","type":"pv","hostname":"web1.example","size_bytes":1073741824,"authorized_keys":"ssh-ed25519 AAAAC3Nz me","root_password":"pw","memory_mib":256,"vifs":["script=vif-nat"],"timeout_seconds":60}"""),
    ];

    private static readonly string[] Odd =
    [
        "1e400", "-1e400", "99999999999999999999999", "-0", "1.0000000000000002", "\"\\ud800\"", "\"\\u0000\"", "\"\u0001\"", "[]", "{}", "null",
        "true", "\"x\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "2147483648", "-2147483649",
        new string('9', 5000), "\"" + new string('a', 100000) + "\"",
    ];

    private static byte[] Mutate(Random r, string seed)
    {
        switch (r.Next(6))
        {
            case 0:
            {
                // Replace one value (or add a field) with something odd.
                if (JsonNode.Parse(seed.Length == 0 ? "{}" : seed) is not JsonObject o)
                    return Encoding.UTF8.GetBytes(seed);
                var keys = o.Select(p => p.Key).ToList();
                string key = keys.Count > 0 && r.Next(4) != 0 ? keys[r.Next(keys.Count)] : "k" + r.Next(3);
                o[key] = null;
                string text = o.ToJsonString();
                string odd = Odd[r.Next(Odd.Length)];
                return Encoding.UTF8.GetBytes(text.Replace($"\"{key}\":null", $"\"{key}\":{odd}", StringComparison.Ordinal));
            }
            case 1:
            {
                // Drop a field.
                if (JsonNode.Parse(seed.Length == 0 ? "{}" : seed) is JsonObject o && o.Count > 0)
                    o.Remove(o.ElementAt(r.Next(o.Count)).Key);
                return Encoding.UTF8.GetBytes(seed.Length == 0 ? "" : JsonNode.Parse(seed)!.ToJsonString());
            }
            case 2:
            {
                // Flip, insert or delete bytes anywhere.
                var bytes = Encoding.UTF8.GetBytes(seed).ToList();
                for (int i = r.Next(1, 5); i > 0; i--)
                {
                    int at = r.Next(bytes.Count + 1);
                    switch (r.Next(3))
                    {
                        case 0 when at < bytes.Count: bytes[at] = (byte)r.Next(256); break;
                        case 1: bytes.Insert(at, (byte)r.Next(256)); break;
                        default: if (at < bytes.Count) bytes.RemoveAt(at); break;
                    }
                }
                return [.. bytes];
            }
            case 3:
                // Cut short.
                return Encoding.UTF8.GetBytes(seed[..r.Next(seed.Length + 1)]);
            case 4:
                return Encoding.UTF8.GetBytes(Odd[r.Next(Odd.Length)]);
            default:
            {
                // Mutate inside the domain JSON of a create.
                var o = JsonNode.Parse(Seeds()[0].Body)!.AsObject();
                var spec = o["spec"]!.AsObject();
                var key = spec.ElementAt(r.Next(spec.Count)).Key;
                spec[key] = null;
                string odd = r.Next(2) == 0 ? "null" : Odd[r.Next(Odd.Length)];
                return Encoding.UTF8.GetBytes(o.ToJsonString().Replace($"\"{key}\":null", $"\"{key}\":{odd}", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task MutatedBodiesAnswerCleanErrors()
    {
        using var http = new HttpClient(XenodSocket.CreateHandler(Path.Combine(_x.Prefix, "run/xeno/xenod.sock")))
        {
            BaseAddress = XenodSocket.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var r = new Random(20261205);
        var seeds = Seeds();
        var bodies = new List<(string Path, byte[] Body)>
        {
            // Larger than xenod reads, and one byte under the limit (not JSON either way).
            ("/v1/domains", new byte[(1 << 20) + 10]),
            ("/v1/domains/nosuch/rename", Encoding.UTF8.GetBytes("{\"name\":\"" + new string('a', (1 << 20) - 20) + "\"}")),
        };
        for (int i = 0; i < 3000; i++)
        {
            var (path, seed) = seeds[r.Next(seeds.Length)];
            bodies.Add((path, Mutate(r, seed)));
        }
        foreach (var (path, body) in bodies)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(path, content, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            int status = (int)response.StatusCode;
            string what = $"POST {path} with {Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)])} answered {status} {text[..Math.Min(text.Length, 300)]}";
            Assert.True(status is 400 or 404 or 409, what);
            var error = JsonSerializer.Deserialize(text, ApiJsonContext.Default.ApiError);
            Assert.NotNull(error);
            Assert.Equal(status, ApiErrorKinds.Status(error.Kind));
            Assert.False(string.IsNullOrWhiteSpace(error.Error), what);
        }
        Assert.Empty(await _x.Host!.Engine.ListAsync(Ct));
    }

    [Fact]
    public async Task UnknownRoutesAnswerAJsonNotFound()
    {
        using var http = new HttpClient(XenodSocket.CreateHandler(Path.Combine(_x.Prefix, "run/xeno/xenod.sock"))) { BaseAddress = XenodSocket.BaseAddress };
        foreach (var (method, path) in new[] { ("GET", "/v2/domains"), ("POST", "/v1/host"), ("DELETE", "/v1/domains/1"), ("GET", "/") })
        {
            using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
            Assert.Equal(404, (int)response.StatusCode);
            var error = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(Ct), ApiJsonContext.Default.ApiError)!;
            Assert.Equal(ApiErrorKind.NotFound, error.Kind);
        }
    }
}
