namespace Xeno.Api.Client;

/// <summary>GET /v1/metrics: Prometheus' text format, as a scraper reads it.</summary>
public sealed partial class XenodClient
{
    public async Task<string> GetMetricsTextAsync(CancellationToken cancel = default)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync("v1/metrics", cancel);
        }
        catch (HttpRequestException e)
        {
            throw new XenodException(Contracts.ApiErrorKind.Unreachable, DaemonUnreachable.Message(_prefix, _socket, e), 0, e);
        }
        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancel);
            if (!response.IsSuccessStatusCode)
                throw Failure((int)response.StatusCode, bytes);
            return System.Text.Encoding.UTF8.GetString(bytes);
        }
    }
}
