using System.Formats.Asn1;
using System.Globalization;
using System.Text;

namespace VaultMesh.Core.Anchoring.Tsa;

/// <summary>
/// The outer RFC 3161 <c>TimeStampResp</c>: <c>SEQUENCE { status PKIStatusInfo, timeStampToken ContentInfo OPTIONAL }</c>,
/// read far enough to name a refusal precisely; the token itself is decoded by System.Security.Cryptography.Pkcs.
/// </summary>
internal sealed class TsaResponse
{
    private TsaResponse(int status, string? statusText, IReadOnlyList<string> failures, ReadOnlyMemory<byte>? token)
    {
        Status = status;
        StatusText = statusText;
        Failures = failures;
        Token = token;
    }

    /// <summary>PKIStatus: 0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4 revocationWarning, 5 revocationNotification.</summary>
    public int Status { get; }

    public string? StatusText { get; }

    public IReadOnlyList<string> Failures { get; }

    public ReadOnlyMemory<byte>? Token { get; }

    public bool Granted => Status is 0 or 1;

    public string StatusName => Status switch
    {
        0 => "granted",
        1 => "grantedWithMods",
        2 => "rejection",
        3 => "waiting",
        4 => "revocationWarning",
        5 => "revocationNotification",
        _ => Status.ToString(CultureInfo.InvariantCulture),
    };

    public string Describe()
    {
        var text = new StringBuilder("PKIStatus ").Append(StatusName);
        if (Failures.Count > 0)
        {
            text.Append(", failInfo ").AppendJoin(",", Failures);
        }
        if (!string.IsNullOrEmpty(StatusText))
        {
            text.Append(", \"").Append(StatusText).Append('"');
        }
        return text.ToString();
    }

    /// <summary>Parses the DER response; returns null when it is not a TimeStampResp.</summary>
    public static TsaResponse? TryParse(ReadOnlyMemory<byte> der)
    {
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var resp = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var statusInfo = resp.ReadSequence();
            if (!statusInfo.TryReadInt32(out var status) || status < 0)
            {
                return null;
            }
            string? statusText = null;
            var failures = new List<string>();
            if (statusInfo.HasData && statusInfo.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var texts = statusInfo.ReadSequence();
                var parts = new List<string>();
                while (texts.HasData)
                {
                    parts.Add(texts.ReadCharacterString(UniversalTagNumber.UTF8String));
                }
                statusText = string.Join("; ", parts);
            }
            if (statusInfo.HasData)
            {
                var bits = statusInfo.ReadBitString(out _);
                for (var i = 0; i < bits.Length * 8; i++)
                {
                    if ((bits[i / 8] >> (7 - (i % 8)) & 1) != 0)
                    {
                        failures.Add(FailureName(i));
                    }
                }
            }
            statusInfo.ThrowIfNotEmpty();
            ReadOnlyMemory<byte>? token = resp.HasData ? resp.ReadEncodedValue() : null;
            resp.ThrowIfNotEmpty();
            return new TsaResponse(status, statusText, failures, token);
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    // PKIFailureInfo bit names (RFC 3161 section 2.4.2).
    private static string FailureName(int bit) => bit switch
    {
        0 => "badAlg",
        2 => "badRequest",
        5 => "badDataFormat",
        14 => "timeNotAvailable",
        15 => "unacceptedPolicy",
        16 => "unacceptedExtension",
        17 => "addInfoNotAvailable",
        25 => "systemFailure",
        _ => "bit" + bit.ToString(CultureInfo.InvariantCulture),
    };
}
