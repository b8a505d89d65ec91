using Xeno.Api.Contracts;

namespace Xeno.Api.Client;

/// <summary>Guest-side tools: xl guest-convert (an operation to follow, as an install is).</summary>
public sealed partial class XenodClient
{
    private static readonly TimeSpan ConvertPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>Checks the request and starts the conversion; a refusal has changed nothing.</summary>
    public Task<GuestConvertOperation> StartGuestConvertAsync(GuestConvertRequest request, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Post, "guests/convert", Body(request, Json.GuestConvertRequest), Json.GuestConvertOperation, cancel);

    public Task<GuestConvertOperation> GetGuestConvertAsync(string id, CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, "guests/convert/" + Uri.EscapeDataString(id), null, Json.GuestConvertOperation, cancel);

    /// <summary>
    /// Starts the conversion and follows it to its end, passing each new step to
    /// <paramref name="progress"/>; a refusal or a failure in the helper throws
    /// <see cref="XenodException"/> (kind Failed for the helper's, with its words).
    /// </summary>
    public async Task<GuestConvertResponse> ConvertGuestAsync(GuestConvertRequest request, Action<string>? progress = null, CancellationToken cancel = default)
    {
        var operation = await StartGuestConvertAsync(request, cancel);
        int shown = 0;
        while (true)
        {
            foreach (var step in operation.Steps.Skip(shown)) progress?.Invoke(step);
            shown = Math.Max(shown, operation.Steps.Count);
            switch (operation.State)
            {
                case "succeeded" when operation.Result is { } result:
                    return result;
                case "failed":
                    throw new XenodException(ApiErrorKind.Failed, operation.Error ?? "the conversion failed", 200);
                case "running":
                    break;
                default:
                    throw new XenodException(ApiErrorKind.Failed, $"xenod answered conversion {operation.Id} in state \"{operation.State}\" with no result", 200);
            }
            await Task.Delay(ConvertPoll, cancel);
            operation = await GetGuestConvertAsync(operation.Id, cancel);
        }
    }
}
