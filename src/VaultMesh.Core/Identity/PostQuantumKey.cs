using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Identity;

/// <summary>
/// This node's ML-DSA-44 key (FIPS 204): the 32-byte key-generation seed ξ in
/// <c>&lt;data directory&gt;/keys/node.mldsa44</c>, owner-only beside the Ed25519 <see cref="NodeKey"/>,
/// created on first use. It adds a quantum-resistant signature (C2SP type 0x06) to the log's
/// checkpoints and to the cosignatures this node makes as a witness. Pure ML-DSA with an empty
/// context, as c2sp.org/tlog-cosignature uses it; the only place the ML-DSA implementation is named.
/// </summary>
public sealed class PostQuantumKey
{
    /// <summary>File name of the seed inside the keys directory.</summary>
    public const string FileName = "node.mldsa44";

    /// <summary>Size of an ML-DSA-44 public key.</summary>
    public const int PublicKeySize = 1312;

    /// <summary>Size of an ML-DSA-44 signature.</summary>
    public const int SignatureSize = 2420;

    private const int SeedSize = 32;

    private readonly MLDsaPrivateKeyParameters _private;
    private readonly byte[] _public;

    private PostQuantumKey(byte[] seed, string? path)
    {
        _private = MLDsaPrivateKeyParameters.FromSeed(MLDsaParameters.ml_dsa_44, seed);
        _public = _private.GetPublicKeyEncoded();
        Path = path;
    }

    /// <summary>A copy of the 1,312-byte ML-DSA-44 public key (FIPS 204 pkEncode).</summary>
    public byte[] PublicKey => (byte[])_public.Clone();

    /// <summary>The key file, or null for a key made from a seed in memory.</summary>
    public string? Path { get; }

    /// <summary>The key file of a profile data directory: <c>keys/node.mldsa44</c>.</summary>
    public static string DefaultPath(string dataDirectory) => System.IO.Path.Combine(dataDirectory, NodeKey.DirectoryName, FileName);

    /// <summary>Loads the key at <paramref name="path"/>, creating it when there is none yet.</summary>
    /// <exception cref="VaultMeshException">As <see cref="TryLoad"/>.</exception>
    public static PostQuantumKey LoadOrCreate(string path)
    {
        if (TryLoad(path) is { } existing)
        {
            return existing;
        }
        NodeKey.Write(path, overwrite: false);
        return TryLoad(path) ?? throw NodeKey.Unavailable(path, "the file vanished after it was created");
    }

    /// <summary>Loads the key at <paramref name="path"/>, or null when there is no file.</summary>
    /// <exception cref="VaultMeshException"><c>VmNodeKeyInvalid</c>, <c>VmNodeKeyExposed</c>,
    /// <c>VmNodeKeyUnavailable</c> as for the Ed25519 key.</exception>
    public static PostQuantumKey? TryLoad(string path)
    {
        var seed = NodeKey.ReadSeed(path, "ML-DSA-44");
        if (seed is null)
        {
            return null;
        }
        try
        {
            return new PostQuantumKey(seed, path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>A key from a 32-byte seed ξ (tests and test vectors).</summary>
    public static PostQuantumKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new VaultMeshException(IdentityErrorIds.NodeKeyInvalid, VmErrorKind.InvalidData,
                $"An ML-DSA-44 seed is {SeedSize} bytes; got {seed.Length}.", seed.Length);
        }
        return new PostQuantumKey(seed.ToArray(), null);
    }

    /// <summary>
    /// The pure ML-DSA-44 signature of <paramref name="message"/> with an empty context: hedged (fresh
    /// randomness, as FIPS 204 recommends) unless <paramref name="deterministic"/>, which makes the
    /// signature a function of key and message (the test vectors).
    /// </summary>
    public byte[] Sign(ReadOnlySpan<byte> message, bool deterministic = false)
    {
        var signer = new MLDsaSigner(MLDsaParameters.ml_dsa_44, deterministic);
        signer.Init(true, deterministic ? _private : new ParametersWithRandom(_private, new SecureRandom()));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>Whether <paramref name="signature"/> is a valid ML-DSA-44 signature of <paramref name="message"/>
    /// (empty context) by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }
        try
        {
            var verifier = new MLDsaSigner(MLDsaParameters.ml_dsa_44, deterministic: false);
            verifier.Init(false, MLDsaPublicKeyParameters.FromEncoding(MLDsaParameters.ml_dsa_44, publicKey.ToArray()));
            verifier.BlockUpdate(message);
            return verifier.VerifySignature(signature.ToArray());
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => "PostQuantumKey(ML-DSA-44 public " + Convert.ToBase64String(_public.AsSpan(0, 16)) + "…)";
}
