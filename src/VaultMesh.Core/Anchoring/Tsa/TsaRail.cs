using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Anchoring.Tsa;

/// <summary>
/// The RFC 3161 timestamp authority rail. <see cref="SubmitAsync"/> posts a timestamp query for SHA-256
/// of the root's 32 bytes (docs/architecture.md, decision 6) with a random nonce and returns a TSA receipt whose
/// <c>txRef</c> is the token's serial and <c>anchorTs</c> its genTime. Verification needs no network:
/// <see cref="VerifyAsync"/> and <see cref="VerifyOffline(Receipt)"/> both check the token kept in the evidence
/// against the pinned roots of <see cref="TsaRailOptions.TrustBundlePath"/>, at the token's genTime.
/// </summary>
public sealed class TsaRail : IAnchorRail, IDisposable
{
    /// <summary>Media type of a timestamp query.</summary>
    public const string QueryMediaType = "application/timestamp-query";

    /// <summary>Media type of a timestamp reply.</summary>
    public const string ReplyMediaType = "application/timestamp-reply";

    // A TimeStampResp with a token and a few certificates is a few kilobytes; anything far larger is not one.
    private const int MaxResponseBytes = 1 << 20;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;

    /// <summary>Creates the rail.</summary>
    /// <param name="options">The TSA settings.</param>
    /// <param name="httpClient">The client to post queries with; when null the rail creates and owns one.
    /// <see cref="TsaRailOptions.Timeout"/> applies either way.</param>
    /// <param name="timeProvider">Clock for <c>observedAt</c> and the request timeout; the system clock when null.</param>
    public TsaRail(TsaRailOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The rail's settings.</summary>
    public TsaRailOptions Options { get; }

    /// <inheritdoc />
    public ReceiptChain Chain => ReceiptChain.TSA;

    /// <inheritdoc />
    public string Network => Options.EffectiveNetwork;

    /// <inheritdoc />
    public long RequiredDepth => 0;

    /// <inheritdoc />
    public Sha256Digest TrustDigest => Options.TrustDigest();

    private static string Verifier => $"vaultmesh/{VersionInfo.Product} tsa";

    /// <summary>
    /// Timestamps <paramref name="root"/>. When a trust bundle is configured the token is verified at
    /// once and the receipt is <c>verified</c> (and final: a TSA needs depth 0); otherwise it is <c>submitted</c>.
    /// </summary>
    /// <exception cref="TsaException"><c>VmTsaUnavailable</c> (unreachable, timeout), <c>VmTsaRejected</c>, or
    /// <c>VmTsaResponseInvalid</c> with the <see cref="TsaReason"/> of what is wrong with the answer.</exception>
    public async Task<Receipt> SubmitAsync(Sha256Digest root, CancellationToken cancellationToken)
    {
        var pinned = Options.TrustBundlePath is null ? null : TsaTrustBundle.Load(Options.TrustBundlePath);
        var nonce = NewNonce();
        var request = Rfc3161TimestampRequest.CreateFromData(root.ToArray(), HashAlgorithmName.SHA256,
            Options.PolicyOid is null ? null : new Oid(Options.PolicyOid), nonce, Options.RequestCertificates);
        var nonceHex = LowerHex.Format(request.GetNonce()!.Value.Span);
        var responseBytes = await PostAsync(request.Encode(), cancellationToken).ConfigureAwait(false);

        var response = TsaResponse.TryParse(responseBytes)
            ?? throw Invalid(TsaReason.MalformedResponse,
                $"The TSA at {Options.Url} answered {responseBytes.Length} bytes that are not a DER TimeStampResp.");
        if (!response.Granted)
        {
            throw new TsaException(TsaException.RejectedErrorId, VmErrorKind.InvalidOperation, TsaReason.Rejected,
                $"The TSA at {Options.Url} refused to timestamp root {root.To0x()}: {response.Describe()}.", Options.Url);
        }
        if (response.Token is not { } tokenBytes)
        {
            throw Invalid(TsaReason.TokenInvalid,
                $"The TSA at {Options.Url} granted the request ({response.Describe()}) but sent no timestamp token.");
        }
        if (!TsaTokenVerifier.TryDecode(tokenBytes, out var token))
        {
            var why = TsaTokenVerifier.Undecodable(tokenBytes);
            throw Invalid(why.Reason!, $"The TSA at {Options.Url} granted the request but its token is unusable: {why.Detail}");
        }
        var imprint = TsaTokenVerifier.CheckImprint(token, root);
        if (!imprint.Valid)
        {
            throw Invalid(imprint.Reason!, $"The TSA at {Options.Url} answered a different query: {imprint.Detail}");
        }
        var nonceCheck = TsaTokenVerifier.CheckNonce(token, nonceHex);
        if (!nonceCheck.Valid)
        {
            throw Invalid(nonceCheck.Reason!, $"The TSA at {Options.Url} answered a different query: {nonceCheck.Detail}");
        }
        try
        {
            // The platform's own matching of response to request: status, imprint, nonce, certReq, signature.
            request.ProcessResponse(responseBytes, out _);
        }
        catch (CryptographicException e)
        {
            throw Invalid(TsaReason.TokenInvalid, $"The token from the TSA at {Options.Url} does not answer the query: {e.Message}", e);
        }

        var status = ReceiptStatus.Submitted;
        if (pinned is not null)
        {
            var verdict = TsaTokenVerifier.Verify(token, root, pinned, Options.PolicyOid);
            if (!verdict.Valid)
            {
                throw new TsaException(TsaException.ResponseInvalidErrorId, VmErrorKind.SecurityError, verdict.Reason!,
                    $"The token from the TSA at {Options.Url} does not verify against the pinned roots of " +
                    $"'{Options.TrustBundlePath}': {verdict.Detail}", Options.Url);
            }
            status = ReceiptStatus.Verified;
        }
        var facts = TsaTokenVerifier.Facts(token);
        var evidence = new JsonObject
        {
            ["token"] = Convert.ToBase64String(tokenBytes.Span),
            ["tsaUrl"] = Options.Url.ToString(),
            ["policyOid"] = facts.PolicyOid,
            ["serial"] = facts.SerialHex,
            ["genTime"] = UtcTimestamp.FormatExact(facts.GenTime),
            ["nonce"] = nonceHex,
            ["hashAlgorithm"] = "sha256",
        };
        return ReceiptBuilder.Build(root, ReceiptChain.TSA, Network, facts.SerialHex, null, 0, facts.GenTime,
            _time.GetUtcNow(), status, Verifier, 0, 0, evidence);
    }

    /// <summary>Verifies the receipt's token; a TSA needs no network for that, so this is <see cref="VerifyOffline(Receipt)"/>.</summary>
    public Task<AnchorCheck> VerifyAsync(Receipt receipt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(VerifyOffline(receipt));
    }

    /// <summary>
    /// Verifies a TSA receipt from its evidence: the token decodes, timestamps SHA-256 of the root with
    /// SHA-256, carries the nonce recorded, is signed by a certificate bound by the ESS attribute that has
    /// the critical timestamping usage and chains, at the token's genTime, to a pinned root; and the
    /// receipt's <c>txRef</c>, <c>anchorTs</c> and evidence agree with the token.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmAnchorRailMismatch</c> for a receipt of another rail;
    /// <c>VmTsaTrustBundleMissing</c> or <c>VmTsaTrustBundleInvalid</c> when the pinned roots are not usable.</exception>
    public AnchorCheck VerifyOffline(Receipt receipt) =>
        VerifyOffline(receipt, Options.TrustBundlePath, Options.PolicyOid, _time.GetUtcNow());

    /// <summary>
    /// Offline verification without a rail instance: what <see cref="VerifyOffline(Receipt)"/> does, against
    /// the pinned roots of <paramref name="trustBundlePath"/>, requiring <paramref name="policyOid"/> when set.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmAnchorRailMismatch</c> for a receipt of another rail;
    /// <c>VmTsaTrustBundleMissing</c> or <c>VmTsaTrustBundleInvalid</c> when the pinned roots are not usable.</exception>
    public static AnchorCheck VerifyOffline(Receipt receipt, string? trustBundlePath, string? policyOid, DateTimeOffset checkedAt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Chain != ReceiptChain.TSA)
        {
            throw new VaultMeshException(AnchorErrorIds.RailMismatch, VmErrorKind.InvalidArgument,
                $"The TSA rail cannot verify a {receipt.Chain} receipt ({receipt}).", receipt);
        }
        var pinned = TsaTrustBundle.Load(trustBundlePath);
        var verdict = Check(receipt, pinned, policyOid);
        var status = verdict.Valid ? ReceiptStatus.Verified : ReceiptStatus.Failed;
        var updated = ReceiptBuilder.WithObservation(receipt, status, 0, checkedAt);
        return new AnchorCheck(receipt, verdict.Valid, status, updated.Finality.State, 0, verdict.Reason, verdict.Detail, checkedAt, updated);
    }

    /// <summary>Disposes the HTTP client when the rail created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static TsaVerdict Check(Receipt receipt, X509Certificate2Collection pinned, string? policyOid)
    {
        if (receipt.Evidence is not { ValueKind: JsonValueKind.Object } evidence)
        {
            return TsaVerdict.Fail(TsaReason.EvidenceInvalid, "The receipt has no evidence object.");
        }
        var tokenText = Text(evidence, "token");
        byte[] tokenBytes;
        try
        {
            tokenBytes = Convert.FromBase64String(tokenText ?? string.Empty);
        }
        catch (FormatException)
        {
            return TsaVerdict.Fail(TsaReason.EvidenceInvalid, "evidence.token is not base64.");
        }
        if (tokenBytes.Length == 0)
        {
            return TsaVerdict.Fail(TsaReason.EvidenceInvalid, "evidence.token is missing or empty.");
        }
        if (!TsaTokenVerifier.TryDecode(tokenBytes, out var token))
        {
            return TsaTokenVerifier.Undecodable(tokenBytes);
        }
        if (!Sha256Digest.TryParse(receipt.Root, out var root))
        {
            return TsaVerdict.Fail(TsaReason.EvidenceInvalid, $"The receipt's root '{receipt.Root}' is not a SHA-256 digest.");
        }
        var imprint = TsaTokenVerifier.CheckImprint(token, root);
        if (!imprint.Valid)
        {
            return imprint;
        }
        if (Text(evidence, "nonce") is not { Length: > 0 } nonceHex)
        {
            return TsaVerdict.Fail(TsaReason.EvidenceInvalid,
                "evidence.nonce is missing: without the nonce sent, the token cannot be tied to our request.");
        }
        var nonce = TsaTokenVerifier.CheckNonce(token, nonceHex);
        if (!nonce.Valid)
        {
            return nonce;
        }
        var verdict = TsaTokenVerifier.Verify(token, root, pinned, policyOid);
        if (!verdict.Valid)
        {
            return verdict;
        }
        var facts = TsaTokenVerifier.Facts(token);
        if (!string.Equals(receipt.TxRef, facts.SerialHex, StringComparison.OrdinalIgnoreCase))
        {
            return TsaVerdict.Fail(ClaimReasons.TxRefMismatch, $"txRef '{receipt.TxRef}' is not the token's serial {facts.SerialHex}.");
        }
        // Exactly, at the precision the token carries: a receipt backdated by any amount is refused.
        if (receipt.AnchorInstant != facts.GenTime)
        {
            return TsaVerdict.Fail(ClaimReasons.AnchorTsMismatch,
                $"anchorTs '{receipt.AnchorTs}' is not the token's genTime {UtcTimestamp.FormatExact(facts.GenTime)}.");
        }
        var mismatch = EvidenceMismatch(evidence, facts);
        return mismatch is null ? verdict : TsaVerdict.Fail(TsaReason.EvidenceInvalid, mismatch);
    }

    private static string? EvidenceMismatch(JsonElement evidence, TsaTokenFacts facts)
    {
        if (Text(evidence, "serial") is { } serial && !string.Equals(serial, facts.SerialHex, StringComparison.OrdinalIgnoreCase))
        {
            return $"evidence.serial '{serial}' is not the token's serial {facts.SerialHex}.";
        }
        if (Text(evidence, "policyOid") is { } policy && policy != facts.PolicyOid)
        {
            return $"evidence.policyOid '{policy}' is not the token's policy {facts.PolicyOid}.";
        }
        if (Text(evidence, "genTime") is { } genText
            && (!Schemas.Rfc3339DateTime.TryParse(genText, out var gen, out _) || gen != facts.GenTime))
        {
            return $"evidence.genTime '{genText}' is not the token's genTime {UtcTimestamp.FormatExact(facts.GenTime)}.";
        }
        return null;
    }

    private static string? Text(JsonElement evidence, string name) =>
        evidence.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // A positive integer of 8 bytes with a non-zero first byte, so its DER form is exactly these bytes.
    private static byte[] NewNonce()
    {
        var nonce = RandomNumberGenerator.GetBytes(8);
        nonce[0] = (byte)((nonce[0] & 0x7F) | 0x40);
        return nonce;
    }

    private async Task<byte[]> PostAsync(byte[] query, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var content = new ByteArrayContent(query);
            content.Headers.ContentType = new MediaTypeHeaderValue(QueryMediaType);
            using var message = new HttpRequestMessage(HttpMethod.Post, Options.Url) { Content = content };
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Invalid(TsaReason.HttpStatus, $"The TSA at {Options.Url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!string.Equals(mediaType, ReplyMediaType, StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid(TsaReason.ContentType, $"The TSA at {Options.Url} answered '{mediaType ?? "no content type"}', not {ReplyMediaType}.");
            }
            var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                var chunk = new byte[16384];
                int read;
                while ((read = await stream.ReadAsync(chunk, linked.Token).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxResponseBytes)
                    {
                        throw Invalid(TsaReason.MalformedResponse, $"The TSA at {Options.Url} answered more than {MaxResponseBytes} bytes.");
                    }
                    buffer.Write(chunk, 0, read);
                }
                return buffer.ToArray();
            }
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TsaException(TsaException.UnavailableErrorId, VmErrorKind.OperationTimeout, TsaReason.Timeout,
                $"The TSA at {Options.Url} did not answer within {Options.Timeout.TotalSeconds} s.", Options.Url, e);
        }
        catch (HttpRequestException e)
        {
            throw new TsaException(TsaException.UnavailableErrorId, VmErrorKind.ResourceUnavailable, TsaReason.Unreachable,
                $"The TSA at {Options.Url} cannot be reached: {e.Message}", Options.Url, e);
        }
    }

    private TsaException Invalid(string reason, string message, Exception? inner = null) =>
        new(TsaException.ResponseInvalidErrorId, VmErrorKind.InvalidData, reason, message, Options.Url, inner);
}
