using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.TestHost;

namespace Xeno.Panel.Tests.Support;

/// <summary>
/// A client that keeps cookies as a browser does and fills in the antiforgery token of the
/// forms it posts (read from a page, as a browser submits it). Redirects are not followed, so
/// tests see them.
/// </summary>
internal sealed partial class Browser : IDisposable
{
    private readonly HttpClient _http;

    public Browser(TestServer server)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new CookieHandler(Cookies) { InnerHandler = server.CreateHandler() }) { BaseAddress = new Uri("http://localhost/") };
    }

    public CookieContainer Cookies { get; }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path.TrimStart('/'));

    public async Task<string> TextAsync(string path)
    {
        using var r = await GetAsync(path);
        return await r.Content.ReadAsStringAsync();
    }

    /// <summary>The antiforgery token of the form on <paramref name="page"/>.</summary>
    public async Task<string> TokenAsync(string page)
    {
        var html = await TextAsync(page);
        var m = TokenField().Match(html);
        Assert.True(m.Success, $"no antiforgery token on {page}");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    /// <summary>Posts a form with the token from <paramref name="tokenPage"/> (null: no token at all).</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, string? tokenPage)
    {
        var all = fields.ToList();
        if (tokenPage is not null)
            all.Add(new("__RequestVerificationToken", await TokenAsync(tokenPage)));
        return await _http.PostAsync(path.TrimStart('/'), new FormUrlEncodedContent(all));
    }

    /// <summary>Posts a multipart form with one file, as a browser uploads (token from <paramref name="tokenPage"/>).</summary>
    public async Task<HttpResponseMessage> UploadAsync(string path, IEnumerable<(string Key, string Value)> fields, string fileField, string fileName,
        byte[] bytes, string tokenPage)
    {
        var form = new MultipartFormDataContent();
        foreach (var (k, v) in fields)
            form.Add(new StringContent(v), k);
        form.Add(new StringContent(await TokenAsync(tokenPage)), "__RequestVerificationToken");
        form.Add(new ByteArrayContent(bytes), fileField, fileName);
        return await _http.PostAsync(path.TrimStart('/'), form);
    }

    public Task<HttpResponseMessage> PostAsync(string path, params (string Key, string Value)[] fields) =>
        PostAsync(path, fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)), path);

    public Task<HttpResponseMessage> LoginAsync(string name, string password) =>
        PostAsync("/Account/Login", ("name", name), ("password", password));

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private sealed class CookieHandler(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancel)
        {
            var uri = request.RequestUri!;
            var header = cookies.GetCookieHeader(uri);
            if (header.Length > 0)
                request.Headers.Add("Cookie", header);
            var response = await base.SendAsync(request, cancel);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                foreach (var c in set)
                    cookies.SetCookies(uri, c);
            }
            return response;
        }
    }
}
