using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;

namespace VaultMesh.Core.Log;

/// <summary>
/// Timestamped ML-DSA-44 cosignatures (c2sp.org/tlog-cosignature, note signature type 0x06): an
/// ML-DSA-44 signature over the binary <c>subtree/v1</c> message (label, cosigner name, timestamp, log
/// origin, start, end, root hash), encoded as the 8-byte big-endian timestamp then the 2,420-byte
/// signature. Unlike cosignature/v1 the message commits to the cosigner's name and not to checkpoint
/// extension lines. A checkpoint is the subtree [0, size); the log signs its own checkpoints this way
/// under its origin, and witnesses under their names, with a timestamp that is never 0.
/// </summary>
public static class SubtreeCosignature
{
    /// <summary>The 12-byte label that starts every message: <c>subtree/v1\n\0</c>.</summary>
    public static ReadOnlySpan<byte> Label => "subtree/v1\n\0"u8;

    /// <summary>Size of the signature bytes after the key ID: timestamp and ML-DSA-44 signature.</summary>
    public const int Size = 8 + PostQuantumKey.SignatureSize;

    /// <summary>The <c>cosigned_message</c> of the spec.</summary>
    /// <exception cref="VaultMeshException"><c>VmCosignatureInvalid</c> when a name or origin is empty or over 255
    /// bytes, or the hash is not 32 bytes.</exception>
    public static byte[] Message(string cosignerName, ulong timestamp, string origin, ulong start, ulong end, ReadOnlySpan<byte> hash)
    {
        var name = Encoding.UTF8.GetBytes(cosignerName);
        var log = Encoding.UTF8.GetBytes(origin);
        if (name.Length is 0 or > 255 || log.Length is 0 or > 255 || hash.Length != 32)
        {
            throw new VaultMeshException(LogErrorIds.CosignatureInvalid, VmErrorKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture,
                    $"A subtree/v1 message needs a cosigner name and an origin of 1 to 255 bytes and a 32-byte hash " +
                    $"(got {name.Length}, {log.Length} and {hash.Length})."),
                cosignerName);
        }
        var message = new byte[Label.Length + 1 + name.Length + 8 + 1 + log.Length + 8 + 8 + 32];
        var at = 0;
        Label.CopyTo(message);
        at += Label.Length;
        message[at++] = (byte)name.Length;
        name.CopyTo(message, at);
        at += name.Length;
        BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(at), timestamp);
        at += 8;
        message[at++] = (byte)log.Length;
        log.CopyTo(message, at);
        at += log.Length;
        BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(at), start);
        at += 8;
        BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(at), end);
        at += 8;
        hash.CopyTo(message.AsSpan(at));
        return message;
    }

    /// <summary>
    /// Cosigns the checkpoint <paramref name="checkpoint"/> (the subtree [0, size)) at <paramref name="time"/>
    /// with <paramref name="key"/> as <paramref name="cosigner"/>.
    /// </summary>
    public static NoteSignature Sign(PostQuantumKey key, NoteVerifierKey cosigner, CheckpointText checkpoint,
        DateTimeOffset time, bool deterministic = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!cosigner.IsPostQuantum || !key.PublicKey.AsSpan().SequenceEqual(cosigner.PublicKey))
        {
            throw new VaultMeshException(LogErrorIds.VkeyInvalid, VmErrorKind.InvalidOperation,
                $"{cosigner.Name}+{cosigner.KeyId:x8} is not the ML-DSA-44 key of this node's post-quantum key.",
                cosigner.Name);
        }
        var timestamp = (ulong)time.ToUnixTimeSeconds();
        var signature = new byte[Size];
        BinaryPrimitives.WriteUInt64BigEndian(signature, timestamp);
        key.Sign(Message(cosigner.Name, timestamp, checkpoint.Origin, 0, (ulong)checkpoint.Size, checkpoint.Root),
            deterministic).CopyTo(signature, 8);
        return new NoteSignature(cosigner.Name, cosigner.KeyId, signature);
    }

    /// <summary>The timestamp a 0x06 cosignature states, or null when its bytes are not a timestamped ML-DSA-44 signature.</summary>
    public static DateTimeOffset? Time(NoteSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.Signature.Length != Size)
        {
            return null;
        }
        var timestamp = BinaryPrimitives.ReadUInt64BigEndian(signature.Signature);
        return timestamp > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? null : DateTimeOffset.FromUnixTimeSeconds((long)timestamp);
    }

    /// <summary>
    /// Verifies the 0x06 cosignatures by <paramref name="cosigner"/> (already selected by name and key ID)
    /// of the checkpoint in <paramref name="noteText"/>, as the subtree [0, size) at the stated time.
    /// Each way to fail has its own reason: not a checkpoint, a truncated or padded signature, a zero
    /// or out-of-range timestamp, or a signature that does not verify over that message.
    /// </summary>
    internal static NoteCheck Verify(NoteVerifierKey cosigner, string noteText, IReadOnlyList<NoteSignature> mine)
    {
        var who = $"the ML-DSA-44 cosignature by {cosigner.Name}+{cosigner.KeyId:x8}";
        CheckpointText checkpoint;
        try
        {
            checkpoint = CheckpointText.Parse(noteText);
        }
        catch (VaultMeshException ex)
        {
            return new NoteCheck(false, $"{who} signs a checkpoint, and the note is not one: {ex.Message}");
        }
        if (checkpoint.Root.Length != 32)
        {
            return new NoteCheck(false, $"{who} signs a SHA-256 root, and the checkpoint's root is not one");
        }
        DateTimeOffset? latest = null;
        foreach (var signature in mine)
        {
            if (signature.Signature.Length != Size)
            {
                return new NoteCheck(false, string.Create(CultureInfo.InvariantCulture,
                    $"{who} is {signature.Signature.Length} bytes, not an 8-byte timestamp and a " +
                    $"{PostQuantumKey.SignatureSize}-byte ML-DSA-44 signature (truncated or padded)"));
            }
            var timestamp = BinaryPrimitives.ReadUInt64BigEndian(signature.Signature);
            if (timestamp == 0)
            {
                return new NoteCheck(false,
                    $"{who} has timestamp 0: it states nothing about the checkpoint being the newest, " +
                    "so it does not count as a cosignature of a checkpoint");
            }
            if (Time(signature) is not { } time)
            {
                return new NoteCheck(false, string.Create(CultureInfo.InvariantCulture,
                    $"{who} states the timestamp {timestamp}, beyond any date it can mean"));
            }
            var message = Message(cosigner.Name, timestamp, checkpoint.Origin, 0, (ulong)checkpoint.Size, checkpoint.Root);
            if (!PostQuantumKey.Verify(cosigner.PublicKey, message, signature.Signature.AsSpan(8)))
            {
                // The message names every field the signature must commit to, so a signature made for
                // another time, origin or range is told apart from one over these by what it was checked against.
                return new NoteCheck(false, string.Create(CultureInfo.InvariantCulture,
                    $"{who} does not verify over subtree/v1 " +
                    $"(origin '{checkpoint.Origin}', leaves [0, {checkpoint.Size}), time {timestamp}): " +
                    $"it was made for another time, origin, range or root, or forged"));
            }
            latest = latest is null || time > latest ? time : latest;
        }
        return new NoteCheck(true, $"ML-DSA-44 cosigned by {cosigner.Name}+{cosigner.KeyId:x8} at {UtcTimestamp.Format(latest!.Value)}");
    }
}
