using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;

namespace VaultMesh.Core.Log;

/// <summary>
/// An Ed25519 note verifier key in the C2SP text form <c>&lt;name&gt;+&lt;key ID, 8 hex&gt;+&lt;base64(type || public key)&gt;</c>
/// (the "vkey"): type 0x01 for plain note signatures (a log's checkpoints), type 0x04 for
/// tlog-cosignature/v1 cosignatures (a witness's, see <see cref="CosignatureV1"/>), type 0x06
/// for ML-DSA-44 <c>subtree/v1</c> cosignatures (a witness's, or the log's own quantum-resistant
/// signature of its checkpoints, see <see cref="SubtreeCosignature"/>). The key
/// ID is the first four bytes of SHA-256(name || 0x0A || type || public key); a vkey whose stated ID
/// does not match is refused.
/// </summary>
public sealed class NoteVerifierKey
{
    /// <summary>The signature type byte of Ed25519 note signatures.</summary>
    public const byte Ed25519Type = 0x01;

    /// <summary>The signature type byte of Ed25519 tlog-cosignature/v1 cosignatures.</summary>
    public const byte CosignatureV1Type = 0x04;

    /// <summary>The signature type byte of timestamped ML-DSA-44 (sub)tree cosignatures (c2sp.org/tlog-cosignature).</summary>
    public const byte MlDsa44CosignatureType = 0x06;

    private readonly byte[] _publicKey;

    private NoteVerifierKey(string name, uint keyId, byte[] publicKey, byte type)
    {
        Name = name;
        KeyId = keyId;
        _publicKey = publicKey;
        SignatureType = type;
    }

    /// <summary><see cref="Ed25519Type"/>, <see cref="CosignatureV1Type"/> or <see cref="MlDsa44CosignatureType"/>.</summary>
    public byte SignatureType { get; }

    /// <summary>Whether this key verifies cosignatures (Ed25519 cosignature/v1 or ML-DSA-44 subtree/v1) rather than plain note signatures.</summary>
    public bool IsCosigner => SignatureType is CosignatureV1Type or MlDsa44CosignatureType;

    /// <summary>Whether this key verifies quantum-resistant ML-DSA-44 cosignatures (type 0x06).</summary>
    public bool IsPostQuantum => SignatureType == MlDsa44CosignatureType;

    /// <summary>The signature algorithm: <c>Ed25519</c> or <c>ML-DSA-44</c>.</summary>
    public string Algorithm => IsPostQuantum ? "ML-DSA-44" : "Ed25519";

    /// <summary>The key name.</summary>
    public string Name { get; }

    /// <summary>The key ID.</summary>
    public uint KeyId { get; }

    /// <summary>A copy of the public key: 32 bytes for Ed25519, 1,312 for ML-DSA-44.</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The vkey text.</summary>
    public override string ToString()
    {
        var key = new byte[1 + _publicKey.Length];
        key[0] = SignatureType;
        _publicKey.CopyTo(key, 1);
        return Name + "+" + KeyId.ToString("x8", CultureInfo.InvariantCulture) + "+" + Convert.ToBase64String(key);
    }

    /// <summary>The note verifier key (type 0x01) of a name and an Ed25519 public key.</summary>
    public static NoteVerifierKey Create(string name, ReadOnlySpan<byte> publicKey) => Create(name, publicKey, Ed25519Type);

    /// <summary>The cosigner key (type 0x04, tlog-cosignature/v1) of a witness name and an Ed25519 public key.</summary>
    public static NoteVerifierKey CreateCosigner(string name, ReadOnlySpan<byte> publicKey) => Create(name, publicKey, CosignatureV1Type);

    /// <summary>The ML-DSA-44 cosigner key (type 0x06) of a name (a witness's, or a log's origin) and a 1,312-byte public key.</summary>
    public static NoteVerifierKey CreatePostQuantum(string name, ReadOnlySpan<byte> publicKey) => Create(name, publicKey, MlDsa44CosignatureType);

    /// <summary>The ML-DSA-44 verifier key of this node's post-quantum key under <paramref name="name"/>.</summary>
    public static NoteVerifierKey Of(PostQuantumKey key, string name) => CreatePostQuantum(name, key.PublicKey);

    private static NoteVerifierKey Create(string name, ReadOnlySpan<byte> publicKey, byte type)
    {
        if (!SignedNote.IsValidKeyName(name))
        {
            throw Invalid(name, "the key name is empty or contains a space or a plus sign");
        }
        if (publicKey.Length != KeySize(type))
        {
            throw Invalid(name, WrongSize(type, publicKey.Length));
        }
        return new NoteVerifierKey(name, ComputeKeyId(name, publicKey, type), publicKey.ToArray(), type);
    }

    /// <summary>The verifier key of this node's key under <paramref name="name"/>.</summary>
    public static NoteVerifierKey Of(NodeKey key, string name) => Create(name, key.PublicKey);

    /// <summary>Parses a vkey.</summary>
    /// <exception cref="VaultMeshException"><c>VmVkeyInvalid</c> naming what is wrong.</exception>
    public static NoteVerifierKey Parse(string vkey)
    {
        ArgumentNullException.ThrowIfNull(vkey);
        var parts = vkey.Split('+', 3);
        if (parts.Length != 3)
        {
            throw Invalid(vkey, "a vkey is <name>+<key ID>+<base64 key>");
        }
        var (name, id, encoded) = (parts[0], parts[1], parts[2]);
        if (!SignedNote.IsValidKeyName(name))
        {
            throw Invalid(vkey, "the key name is empty or contains a space");
        }
        if (id.Length != 8 || !id.All(char.IsAsciiHexDigitLower)
            || !uint.TryParse(id, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var keyId))
        {
            throw Invalid(vkey, "the key ID is not 8 lower-case hex digits");
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            throw Invalid(vkey, "the key is not base64");
        }
        if (Convert.ToBase64String(key) != encoded)
        {
            throw Invalid(vkey, "the key is not canonical base64");
        }
        if (key.Length == 0 || (key[0] != Ed25519Type && key[0] != CosignatureV1Type && key[0] != MlDsa44CosignatureType))
        {
            throw Invalid(vkey, "the key is neither an Ed25519 note key (type 0x01), " +
                "an Ed25519 cosignature/v1 key (type 0x04) nor an ML-DSA-44 cosignature key (type 0x06)");
        }
        if (key.Length - 1 != KeySize(key[0]))
        {
            throw Invalid(vkey, WrongSize(key[0], key.Length - 1));
        }
        var computed = ComputeKeyId(name, key.AsSpan(1), key[0]);
        if (computed != keyId)
        {
            throw Invalid(vkey, string.Create(CultureInfo.InvariantCulture,
                $"the key ID {id} does not match the name and key (they give {computed:x8})"));
        }
        return new NoteVerifierKey(name, keyId, key[1..], key[0]);
    }

    /// <summary>Signs <paramref name="text"/> with <paramref name="key"/> as this key's signature line.</summary>
    public NoteSignature Sign(NodeKey key, string text)
    {
        if (IsCosigner)
        {
            throw new VaultMeshException(LogErrorIds.VkeyInvalid, VmErrorKind.InvalidOperation,
                $"{this} is a cosigner key; a witness cosigns with CosignatureV1.Sign.", Name);
        }
        if (!key.PublicKey.AsSpan().SequenceEqual(_publicKey))
        {
            throw new VaultMeshException(LogErrorIds.VkeyInvalid, VmErrorKind.InvalidArgument, $"The signing key is not the key of {this}.", Name);
        }
        return new NoteSignature(Name, KeyId, key.Sign(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>
    /// Verifies the note's signatures by this key: signatures of other keys are ignored (as the spec
    /// requires); the result is false when no signature is by this key or any of them does not verify.
    /// A cosigner key checks tlog-cosignature/v1 signatures (timestamp, then Ed25519 over the
    /// <c>cosignature/v1</c> message).
    /// </summary>
    public NoteCheck Verify(SignedNote note)
    {
        ArgumentNullException.ThrowIfNull(note);
        var mine = note.Signatures.Where(s => s.Name == Name && s.KeyId == KeyId).ToList();
        if (mine.Count == 0)
        {
            // A line of this name under another key ID is another key's (or a forgery's): say so, since
            // "no signature" alone would hide that something under this name was presented.
            return note.Signatures.Count(s => s.Name == Name && IdsUnderName(s)) is var other and > 0
                ? new NoteCheck(false, $"no {Algorithm} signature by {Name}+{KeyId:x8}: {other} line(s) under the name {Name} carry another key ID")
                : new NoteCheck(false, $"no {Algorithm} signature by {Name}+{KeyId:x8}");
        }
        if (IsPostQuantum)
        {
            return SubtreeCosignature.Verify(this, note.Text, mine);
        }
        if (IsCosigner)
        {
            return CosignatureV1.Verify(this, note.Text, mine);
        }
        var text = Encoding.UTF8.GetBytes(note.Text);
        foreach (var signature in mine)
        {
            if (!NodeKey.Verify(_publicKey, text, signature.Signature))
            {
                return new NoteCheck(false, $"the signature by {Name}+{KeyId:x8} does not verify");
            }
        }
        return new NoteCheck(true, $"signed by {Name}+{KeyId:x8}");
    }

    // The lines a key of this algorithm could have made: a log signs one origin with both an Ed25519 and an
    // ML-DSA-44 key, so an ML-DSA line is not "another key ID" to the Ed25519 key, nor the reverse.
    private bool IdsUnderName(NoteSignature signature) =>
        IsPostQuantum ? signature.Signature.Length > 8 + 64 : signature.Signature.Length <= 8 + 64;

    private static int KeySize(byte type) => type == MlDsa44CosignatureType ? PostQuantumKey.PublicKeySize : 32;

    private static string WrongSize(byte type, int length) => type == MlDsa44CosignatureType
        ? string.Create(CultureInfo.InvariantCulture, $"an ML-DSA-44 public key is {PostQuantumKey.PublicKeySize} bytes, not {length}")
        : string.Create(CultureInfo.InvariantCulture, $"an Ed25519 key is 32 bytes, not {length}");

    /// <summary>SHA-256(name || 0x0A || type || public key)[:4] as a big-endian integer.</summary>
    public static uint ComputeKeyId(string name, ReadOnlySpan<byte> publicKey, byte type = Ed25519Type)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    private static VaultMeshException Invalid(string vkey, string what) =>
        new(LogErrorIds.VkeyInvalid, VmErrorKind.InvalidData, $"Verifier key '{vkey}' is invalid: {what}.", vkey);
}

/// <summary>The outcome of checking a note's signature.</summary>
/// <param name="Valid">Whether a signature by the key verified (and none by it failed).</param>
/// <param name="Detail">What was found.</param>
public sealed record NoteCheck(bool Valid, string Detail);
