using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;

namespace VaultMesh.Core.Identity;

/// <summary>
/// This guardian's Ed25519 key: the raw 32-byte private seed in <c>&lt;data dir&gt;/keys/node.ed25519</c>
/// (file 0600, directory 0700, created on first use). The seed never leaves this class: only the
/// public key and signatures do. See docs/federation.md.
/// </summary>
public sealed class NodeKey
{
    private const int SeedLength = 32;
    private readonly Ed25519PrivateKeyParameters _private;

    private NodeKey(byte[] seed, string path)
    {
        _private = new Ed25519PrivateKeyParameters(seed, 0);
        PublicKey = _private.GeneratePublicKey().GetEncoded();
        Path = path;
    }

    /// <summary>The raw 32-byte Ed25519 public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The key file.</summary>
    public string Path { get; }

    /// <summary>The key file of a profile data directory: <c>keys/node.ed25519</c>.</summary>
    public static string DefaultPath(string dataDirectory) => System.IO.Path.Combine(dataDirectory, "keys", "node.ed25519");

    /// <summary>Loads the key at <paramref name="path"/>, creating it when absent.</summary>
    public static NodeKey LoadOrCreate(string path) => TryLoad(path) ?? Create(path, overwrite: false);

    /// <summary>Loads the key at <paramref name="path"/>, or null when there is no file.</summary>
    /// <exception cref="VaultMeshException"><c>VmNodeKeyInvalid</c> when the file is not a 32-byte seed.</exception>
    public static NodeKey? TryLoad(string path)
    {
        byte[] seed;
        try
        {
            seed = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException("VmNodeKeyUnreadable", VmErrorKind.ResourceUnavailable, $"Node key '{path}' cannot be read: {ex.Message}", path, ex);
        }
        if (seed.Length != SeedLength)
        {
            throw new VaultMeshException("VmNodeKeyInvalid", VmErrorKind.InvalidData,
                $"Node key '{path}' holds {seed.Length} bytes; an Ed25519 seed is {SeedLength} bytes. The file was not changed.", path);
        }
        return new NodeKey(seed, path);
    }

    /// <summary>Creates a new random key at <paramref name="path"/>; an existing key is replaced only with <paramref name="overwrite"/>.</summary>
    /// <exception cref="VaultMeshException"><c>VmNodeKeyExists</c> when a key exists and <paramref name="overwrite"/> is false.</exception>
    public static NodeKey Create(string path, bool overwrite)
    {
        PrivateDirectory.Ensure(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var seed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(SeedLength);
        if (!AtomicFile.Write(path, seed, overwrite, UnixFileMode.UserRead | UnixFileMode.UserWrite))
        {
            throw new VaultMeshException("VmNodeKeyExists", VmErrorKind.AlreadyExists,
                $"A node key already exists at '{path}'; it was not replaced.", path);
        }
        return new NodeKey(seed, path);
    }

    /// <summary>Signs <paramref name="message"/> (Ed25519, RFC 8032); returns the 64-byte signature.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _private);
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>Whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Ed25519PublicKeyParameters.KeySize || signature.Length != Ed25519PrivateKeyParameters.SignatureSize)
        {
            return false;
        }
        try
        {
            var verifier = new Ed25519Signer();
            verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
            verifier.BlockUpdate(message);
            return verifier.VerifySignature(signature.ToArray());
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
