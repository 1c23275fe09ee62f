using Nethereum.Signer;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Anchoring.Evm;

/// <summary>
/// Where the EVM rail's signing key comes from: a file readable by its owner only, or an environment
/// variable named in the profile. The key itself never appears in configuration, in messages or in
/// <see cref="ToString"/>. The file or variable holds the secp256k1 private key as 64 hex digits,
/// with or without <c>0x</c>; surrounding white space is ignored.
/// </summary>
public sealed class EvmKeySource
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string? _path;
    private readonly string? _variable;
    private readonly EnvironmentSource _environment;

    private EvmKeySource(string? path, string? variable, EnvironmentSource environment)
    {
        _path = path;
        _variable = variable;
        _environment = environment;
    }

    /// <summary>A key file. On Unix it must not be readable, writable or executable by group or others.</summary>
    public static EvmKeySource FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new EvmKeySource(Path.GetFullPath(path), null, EnvironmentSource.Process);
    }

    /// <summary>An environment variable whose value is the hex private key.</summary>
    /// <param name="variableName">The variable's name (never its value).</param>
    /// <param name="environment">Where to read it; the process environment when null.</param>
    public static EvmKeySource FromEnvironment(string variableName, EnvironmentSource? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(variableName);
        return new EvmKeySource(null, variableName, environment ?? EnvironmentSource.Process);
    }

    /// <summary>The key file's full path, when the key comes from a file.</summary>
    public string? FilePath => _path;

    /// <summary>The variable's name, when the key comes from the environment.</summary>
    public string? VariableName => _variable;

    /// <summary>Reads the key and returns the sender address it controls (lower-case, <c>0x</c> and 40 hex digits).</summary>
    /// <exception cref="VaultMeshException"><see cref="EvmErrorIds.KeyMissing"/>, <see cref="EvmErrorIds.KeyInsecure"/>
    /// or <see cref="EvmErrorIds.KeyInvalid"/>.</exception>
    public string ReadAddress() => EvmHex.Normalize(ReadKey().GetPublicAddress());

    /// <summary>Describes the source without its secret: <c>key file /path</c> or <c>environment variable NAME</c>.</summary>
    public override string ToString() => _path is not null ? $"key file {_path}" : $"environment variable {_variable}";

    internal EthECKey ReadKey()
    {
        var text = _path is not null ? ReadFile(_path) : ReadVariable(_variable!);
        var hex = text.Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }
        // The message never quotes the content: it may be a key with one typo.
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new VaultMeshException(EvmErrorIds.KeyInvalid, VmErrorKind.InvalidData,
                $"The EVM signing key in the {this} is not 64 hex digits (a 32-byte secp256k1 private key).", ToString());
        }
        var bytes = Convert.FromHexString(hex);
        try
        {
            return new EthECKey(bytes, true);
        }
        catch (ArgumentException ex)
        {
            throw new VaultMeshException(EvmErrorIds.KeyInvalid, VmErrorKind.InvalidData,
                $"The EVM signing key in the {this} is not a valid secp256k1 private key.", ToString(), ex);
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    private static string ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new VaultMeshException(EvmErrorIds.KeyMissing, VmErrorKind.NotFound, $"The EVM key file '{path}' does not exist.", path);
        }
        // Windows has ACLs instead of mode bits; there the file's location has to protect it.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOther) != 0)
            {
                throw new VaultMeshException(EvmErrorIds.KeyInsecure, VmErrorKind.PermissionDenied,
                    $"The EVM key file '{path}' is accessible to its group or to others (mode {Octal(mode)}); " +
                    "make it owner-only, for example chmod 600.", path);
            }
        }
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException(EvmErrorIds.KeyMissing, VmErrorKind.ResourceUnavailable,
                $"The EVM key file '{path}' cannot be read: {ex.Message}", path, ex);
        }
    }

    private string ReadVariable(string name) =>
        _environment.Get(name) ?? throw new VaultMeshException(EvmErrorIds.KeyMissing, VmErrorKind.NotFound,
            $"The environment variable {name} named as the EVM key source is not set.", name);

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
