using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;

namespace VaultMesh.Core.Identity;

/// <summary>
/// This node's Ed25519 key: the raw 32-byte private seed in <c>&lt;data directory&gt;/keys/node.ed25519</c>,
/// owner-only (file 0600, directory 0700), created on first use. It signs the log's checkpoints and
/// is the identity the federation uses (docs/log.md). The private key never leaves this object:
/// nothing prints it, and <see cref="ToString"/> shows only the public key.
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

    private NodeKey(Ed25519PrivateKeyParameters key)
    {
        _private = key;
        _public = key.GeneratePublicKey().GetEncoded();
    }

    /// <summary>A copy of the 32-byte Ed25519 public key (RFC 8032 encoding).</summary>
    public byte[] PublicKey => (byte[])_public.Clone();

    /// <summary>Path of the key file of a data directory.</summary>
    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, DirectoryName, FileName);

    /// <summary>
    /// Loads the key of <paramref name="dataDirectory"/>, creating it (from the system's cryptographic
    /// random source) when there is none yet.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmNodeKeyInvalid</c> when the file is not a 32-byte seed,
    /// <c>VmNodeKeyExposed</c> when others may read or write it, <c>VmNodeKeyUnavailable</c> on I/O errors.</exception>
    public static NodeKey LoadOrCreate(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        try
        {
            if (!File.Exists(path))
            {
                PrivateDirectory.Ensure(Path.GetDirectoryName(path)!);
                var seed = RandomNumberGenerator.GetBytes(SeedSize);
                try
                {
                    // A concurrent creator may win the rename; then its key is the key.
                    AtomicFile.Write(path, seed, overwrite: false, OwnerOnlyFile);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(seed);
                }
            }
            return Load(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException("VmNodeKeyUnavailable", VmErrorKind.ResourceUnavailable,
                $"The node key '{path}' cannot be read or created: {ex.Message}", path, ex);
        }
    }

    /// <summary>A key from a 32-byte seed (tests and test vectors).</summary>
    public static NodeKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new VaultMeshException("VmNodeKeyInvalid", VmErrorKind.InvalidData,
                $"An Ed25519 seed is {SeedSize} bytes; got {seed.Length}.", seed.Length);
        }
        return new NodeKey(new Ed25519PrivateKeyParameters(seed.ToArray(), 0));
    }

    /// <summary>The RFC 8032 Ed25519 signature of <paramref name="message"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _private);
        var bytes = message.ToArray();
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return signer.GenerateSignature();
    }

    /// <summary>Whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != SeedSize || signature.Length != 64)
        {
            return false;
        }
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey.ToArray(), 0));
        var bytes = message.ToArray();
        verifier.BlockUpdate(bytes, 0, bytes.Length);
        return verifier.VerifySignature(signature.ToArray());
    }

    /// <inheritdoc />
    public override string ToString() => "NodeKey(Ed25519 public " + Convert.ToBase64String(_public) + ")";

    private static NodeKey Load(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
        {
            throw new VaultMeshException("VmNodeKeyExposed", VmErrorKind.SecurityError,
                $"The node key '{path}' is accessible to other users; make it owner-only (chmod 600) and consider it compromised.", path);
        }
        var seed = File.ReadAllBytes(path);
        try
        {
            if (seed.Length != SeedSize)
            {
                throw new VaultMeshException("VmNodeKeyInvalid", VmErrorKind.InvalidData,
                    $"The node key '{path}' is {seed.Length} bytes; it must be the raw {SeedSize}-byte Ed25519 seed.", path);
            }
            return FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }
}
