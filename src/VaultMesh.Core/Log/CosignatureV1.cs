using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;

namespace VaultMesh.Core.Log;

/// <summary>
/// Ed25519 tlog-cosignature/v1 (c2sp.org/tlog-cosignature): a witness's note signature over
/// <c>cosignature/v1\ntime &lt;T&gt;\n</c> followed by the checkpoint's note text, encoded as the 8-byte
/// big-endian timestamp T then the 64-byte signature. A v1 cosignature states that, at time T, the
/// checkpoint is the largest consistent tree head the witness has seen of that log.
/// </summary>
public static class CosignatureV1
{
    /// <summary>The header line that separates cosignatures from every other use of the key.</summary>
    public const string Header = "cosignature/v1";

    /// <summary>The signed message of a cosignature at <paramref name="timestamp"/> over <paramref name="noteText"/>.</summary>
    public static byte[] Message(ulong timestamp, string noteText) =>
        Encoding.UTF8.GetBytes(Header + "\ntime " + timestamp.ToString(CultureInfo.InvariantCulture) + "\n" + noteText);

    /// <summary>Cosigns <paramref name="noteText"/> at <paramref name="time"/> with <paramref name="key"/> as <paramref name="cosigner"/>.</summary>
    public static NoteSignature Sign(NodeKey key, NoteVerifierKey cosigner, string noteText, DateTimeOffset time)
    {
        if (!cosigner.IsCosigner || !key.PublicKey.AsSpan().SequenceEqual(cosigner.PublicKey))
        {
            throw new VaultMeshException(LogErrorIds.VkeyInvalid, VmErrorKind.InvalidOperation,
                $"{cosigner} is not the cosigner key of this node's key.", cosigner.Name);
        }
        var timestamp = (ulong)time.ToUnixTimeSeconds();
        var signature = new byte[8 + 64];
        BinaryPrimitives.WriteUInt64BigEndian(signature, timestamp);
        key.Sign(Message(timestamp, noteText)).CopyTo(signature, 8);
        return new NoteSignature(cosigner.Name, cosigner.KeyId, signature);
    }

    /// <summary>The timestamp a cosignature states, or null when its bytes are not a timestamped Ed25519 signature.</summary>
    public static DateTimeOffset? Time(NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.Signature.Length != 8 + 64)
        {
            return null;
        }
        var timestamp = BinaryPrimitives.ReadUInt64BigEndian(signature.Signature);
        // Beyond year 9999 no DateTimeOffset can hold it; such a cosignature states no usable time.
        return timestamp > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? null : DateTimeOffset.FromUnixTimeSeconds((long)timestamp);
    }

    /// <summary>Verifies the cosignatures by <paramref name="cosigner"/> (already selected by name and key ID) over
    /// <paramref name="noteText"/>.</summary>
    internal static NoteCheck Verify(NoteVerifierKey cosigner, string noteText, IReadOnlyList<NoteSignature> mine)
    {
        DateTimeOffset? latest = null;
        foreach (var signature in mine)
        {
            if (Time(signature) is not { } time)
            {
                return new NoteCheck(false, $"the cosignature by {cosigner.Name}+{cosigner.KeyId:x8} " +
                    "is not an 8-byte timestamp and a 64-byte Ed25519 signature");
            }
            var timestamp = BinaryPrimitives.ReadUInt64BigEndian(signature.Signature);
            if (!NodeKey.Verify(cosigner.PublicKey, Message(timestamp, noteText), signature.Signature.AsSpan(8)))
            {
                return new NoteCheck(false, $"the cosignature by {cosigner.Name}+{cosigner.KeyId:x8} does not verify");
            }
            latest = latest is null || time > latest ? time : latest;
        }
        return new NoteCheck(true, $"cosigned by {cosigner.Name}+{cosigner.KeyId:x8} at {UtcTimestamp.Format(latest!.Value)}");
    }
}
