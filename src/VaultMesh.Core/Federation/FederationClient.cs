using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;

namespace VaultMesh.Core.Federation;

/// <summary>A verified answer of a peer: the message and the exact signed bytes (kept as evidence).</summary>
/// <param name="Message">The verified message.</param>
/// <param name="Body">The body as received.</param>
/// <param name="Signature">Its signature header.</param>
public sealed record PeerAnswer(FederationMessage Message, byte[] Body, string Signature);

/// <summary>
/// Calls peers' federation API with signed requests and accepts only answers signed by the peer's
/// own key, addressed to this node, answering the request's nonce. Nothing is sent while
/// FEDERATION_ENABLED is off.
/// </summary>
public sealed class FederationClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly NodeKey _key;
    private readonly string _did;
    private readonly KillSwitches _switches;
    private readonly FederationOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a client signing with <paramref name="key"/>.</summary>
    public FederationClient(NodeKey key, KillSwitches switches, FederationOptions? options = null,
        TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        _key = key;
        _did = DidKey.Format(key.PublicKey);
        _switches = switches;
        _options = options ?? new FederationOptions();
        _time = time ?? TimeProvider.System;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    /// <summary>Sends <paramref name="payload"/> to <paramref name="endpoint"/> of <paramref name="peer"/> and returns the verified answer.</summary>
    /// <exception cref="VaultMeshException"><c>VmFederationDisabled</c>, <c>VmFederationPeerUnreachable</c>,
    /// <c>VmFederationPeerRefused</c>, <c>VmFederationAnswerInvalid</c>.</exception>
    public async Task<PeerAnswer> CallAsync(FederationPeer peer, string endpoint, JsonObject payload, CancellationToken cancellationToken)
    {
        if (!_switches.Federation.Enabled)
        {
            throw Disabled(_switches);
        }
        var (body, signature, nonce) = FederationMessage.Sign(_key, FederationEndpoints.TypeOf(endpoint), peer.Did, payload, _time.GetUtcNow());
        var (status, _, answer, answerSignature) = await SendAsync(
            peer, endpoint, body, "application/json", signature, cancellationToken).ConfigureAwait(false);
        if (status != 200)
        {
            throw new VaultMeshException(FederationErrorIds.PeerRefused, VmErrorKind.ResourceUnavailable,
                string.Create(CultureInfo.InvariantCulture,
                    $"Peer {peer.Name} answered {endpoint} with {status}: {Truncate(Encoding.UTF8.GetString(answer))}"),
                peer.Name);
        }
        FederationMessage message;
        try
        {
            message = FederationMessage.Verify(answer, answerSignature, FederationEndpoints.ResponseTypeOf(endpoint), d => d == peer.Did);
        }
        catch (FederationRefusal refusal)
        {
            throw new VaultMeshException(FederationErrorIds.AnswerInvalid, VmErrorKind.SecurityError,
                $"The answer of peer {peer.Name} to {endpoint} is refused ({refusal.Reason}): {refusal.Message}", peer.Name, refusal);
        }
        if (message.Audience != _did || message.InReplyTo != nonce)
        {
            throw new VaultMeshException(FederationErrorIds.AnswerInvalid, VmErrorKind.SecurityError,
                $"The answer of peer {peer.Name} to {endpoint} is not addressed to this request " +
                $"(audience {message.Audience}, inReplyTo {message.InReplyTo}).", peer.Name);
        }
        return new PeerAnswer(message, answer, answerSignature!);
    }

    /// <summary>
    /// Posts a text body to <paramref name="endpoint"/> of <paramref name="peer"/> and returns the status,
    /// media type and body unverified (the C2SP witness protocol authenticates by its note signatures).
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmFederationDisabled</c>, <c>VmFederationPeerUnreachable</c>,
    /// <c>VmFederationAnswerInvalid</c> (too large).</exception>
    public async Task<(int Status, string? ContentType, string Body)> PostTextAsync(
        FederationPeer peer, string endpoint, string body, CancellationToken cancellationToken)
    {
        if (!_switches.Federation.Enabled)
        {
            throw Disabled(_switches);
        }
        var (status, contentType, answer, _) = await SendAsync(
            peer, endpoint, Encoding.UTF8.GetBytes(body), "text/plain", null, cancellationToken).ConfigureAwait(false);
        return (status, contentType, Encoding.UTF8.GetString(answer));
    }

    private async Task<(int Status, string? ContentType, byte[] Body, string? Signature)> SendAsync(
        FederationPeer peer, string endpoint, byte[] body, string mediaType,
        string? signature, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(peer.Endpoint, FederationEndpoints.Prefix.TrimStart('/') + endpoint));
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(FederationMessage.SignatureHeader, signature);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var answerSignature = response.Headers.TryGetValues(FederationMessage.SignatureHeader, out var values) ? values.FirstOrDefault() : null;
            var answer = await ReadLimitedAsync(response.Content, _options.MaxResponseBytes, peer, timeout.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, answer, answerSignature);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VaultMeshException(FederationErrorIds.PeerUnreachable, VmErrorKind.OperationTimeout,
                string.Create(CultureInfo.InvariantCulture,
                    $"Peer {peer.Name} ({peer.Endpoint}) did not answer {endpoint} " +
                    $"within {_options.RequestTimeout.TotalSeconds} s."),
                peer.Name);
        }
        catch (HttpRequestException ex)
        {
            throw new VaultMeshException(FederationErrorIds.PeerUnreachable, VmErrorKind.ResourceUnavailable,
                $"Peer {peer.Name} ({peer.Endpoint}) cannot be reached: {ex.Message}", peer.Name, ex);
        }
    }

    /// <summary>The error of a sync or call while federation is off.</summary>
    public static VaultMeshException Disabled(KillSwitches switches) => new(FederationErrorIds.Disabled, VmErrorKind.InvalidOperation,
        $"Federation is off (FEDERATION_ENABLED, source {switches.Federation.Source}); nothing was sent.", KillSwitches.FederationVariable);

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, int limit, FederationPeer peer, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new VaultMeshException(FederationErrorIds.AnswerInvalid, VmErrorKind.InvalidData,
                    string.Create(CultureInfo.InvariantCulture, $"The answer of peer {peer.Name} exceeds {limit} bytes."), peer.Name);
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
