using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;

namespace VaultMesh.Core.Identity;

/// <summary>
/// This node's Ed25519 key: the raw 32-byte private seed in <c>&lt;data directory&gt;/keys/node.ed25519</c>,
/// owner-only (file 0600, directory 0700), created on first use. It signs the log's checkpoints and
/// is the guardian identity the federation uses (docs/log.md, docs/federation.md). The private key
/// never leaves this object: nothing prints it, and <see cref="ToString"/> shows only the public key.
/// </summary>
public sealed class NodeKey
{
    /// <summary>File name of the seed inside the keys directory.</summary>
    public const string FileName = "node.ed25519";

    /// <summary>Directory name of the keys inside the data directory.</summary>
    public const string DirectoryName = "keys";

    private const int SeedSize = 32;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly Ed25519PrivateKeyParameters _private;
    private readonly byte[] _public;

    private NodeKey(Ed25519PrivateKeyParameters key, string? path)
    {
        _private = key;
        _public = key.GeneratePublicKey().GetEncoded();
        Path = path;
    }

    /// <summary>A copy of the 32-byte Ed25519 public key (RFC 8032 encoding).</summary>
    public byte[] PublicKey => (byte[])_public.Clone();

    /// <summary>The key file, or null for a key made from a seed in memory.</summary>
    public string? Path { get; }

    /// <summary>The key file of a profile data directory: <c>keys/node.ed25519</c>.</summary>
    public static string DefaultPath(string dataDirectory) => System.IO.Path.Combine(dataDirectory, DirectoryName, FileName);

    /// <summary>Loads the key at <paramref name="path"/>, creating it (from the system's cryptographic
    /// random source) when there is none yet; a concurrent creator that wins the race gives its key.</summary>
    /// <exception cref="VaultMeshException">As <see cref="TryLoad"/>.</exception>
    public static NodeKey LoadOrCreate(string path)
    {
        if (TryLoad(path) is { } existing)
        {
            return existing;
        }
        Write(path, overwrite: false);
        return TryLoad(path) ?? throw Unavailable(path, "the file vanished after it was created");
    }

    /// <summary>Loads the key at <paramref name="path"/>, or null when there is no file.</summary>
    /// <exception cref="VaultMeshException"><c>VmNodeKeyInvalid</c> when the file is not a 32-byte seed,
    /// <c>VmNodeKeyExposed</c> when others may read or write it, <c>VmNodeKeyUnavailable</c> on I/O errors.</exception>
    public static NodeKey? TryLoad(string path)
    {
        var seed = ReadSeed(path, "Ed25519");
        if (seed is null)
        {
            return null;
        }
        try
        {
            return new NodeKey(new Ed25519PrivateKeyParameters(seed, 0), path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>
    /// The raw 32-byte seed in the owner-only key file <paramref name="path"/>, or null when there is
    /// no file; shared by the node's Ed25519 and ML-DSA-44 keys, which live side by side.
    /// </summary>
    internal static byte[]? ReadSeed(string path, string algorithm)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] seed;
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
            {
                throw new VaultMeshException(IdentityErrorIds.NodeKeyExposed, VmErrorKind.SecurityError,
                    $"The node key '{path}' is accessible to other users; make it owner-only (chmod 600) and consider it compromised.", path);
            }
            seed = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(path, ex.Message, ex);
        }
        if (seed.Length != SeedSize)
        {
            CryptographicOperations.ZeroMemory(seed);
            throw new VaultMeshException(IdentityErrorIds.NodeKeyInvalid, VmErrorKind.InvalidData,
                $"The node key '{path}' is {seed.Length} bytes; it must be the raw " +
                $"{SeedSize}-byte {algorithm} seed. The file was not changed.", path);
        }
        return seed;
    }

    /// <summary>Creates a new random key at <paramref name="path"/>; an existing key is replaced only with <paramref name="overwrite"/>.</summary>
    /// <exception cref="VaultMeshException"><c>VmNodeKeyExists</c> when a key exists and <paramref name="overwrite"/> is false.</exception>
    public static NodeKey Create(string path, bool overwrite)
    {
        if (!Write(path, overwrite))
        {
            throw new VaultMeshException(IdentityErrorIds.NodeKeyExists, VmErrorKind.AlreadyExists,
                $"A node key already exists at '{path}'; it was not replaced.", path);
        }
        return TryLoad(path) ?? throw Unavailable(path, "the file vanished after it was created");
    }

    /// <summary>A key from a 32-byte seed (tests and test vectors).</summary>
    public static NodeKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new VaultMeshException(IdentityErrorIds.NodeKeyInvalid, VmErrorKind.InvalidData,
                $"An Ed25519 seed is {SeedSize} bytes; got {seed.Length}.", seed.Length);
        }
        return new NodeKey(new Ed25519PrivateKeyParameters(seed.ToArray(), 0), null);
    }

    /// <summary>The RFC 8032 Ed25519 signature of <paramref name="message"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _private);
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>Whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/> by
    /// <paramref name="publicKey"/>.</summary>
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

    /// <inheritdoc />
    public override string ToString() => "NodeKey(Ed25519 public " + Convert.ToBase64String(_public) + ")";

    /// <summary>Writes a new random 32-byte seed owner-only at <paramref name="path"/>; false when one exists and
    /// <paramref name="overwrite"/> is false.</summary>
    internal static bool Write(string path, bool overwrite)
    {
        var seed = RandomNumberGenerator.GetBytes(SeedSize);
        try
        {
            PrivateDirectory.Ensure(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            return AtomicFile.Write(path, seed, overwrite, OwnerOnlyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(path, ex.Message, ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    internal static VaultMeshException Unavailable(string path, string why, Exception? inner = null) =>
        new(IdentityErrorIds.NodeKeyUnavailable, VmErrorKind.ResourceUnavailable,
            $"The node key '{path}' cannot be read or created: {why}", path, inner);
}
