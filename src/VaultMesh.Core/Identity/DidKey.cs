using NBitcoin.DataEncoders;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Identity;

/// <summary>
/// <c>did:key</c> identifiers of Ed25519 keys: <c>did:key:z</c> + base58btc(multicodec ed25519-pub
/// <c>0xed 0x01</c> || 32-byte key), so every such identifier starts <c>did:key:z6Mk</c>.
/// </summary>
public static class DidKey
{
    /// <summary>The prefix of every did:key.</summary>
    public const string Prefix = "did:key:z";

    private static readonly byte[] Multicodec = [0xed, 0x01];

    /// <summary>The did:key of a raw 32-byte Ed25519 public key.</summary>
    public static string Format(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != 32)
        {
            throw new ArgumentException($"An Ed25519 public key is 32 bytes; got {publicKey.Length}.", nameof(publicKey));
        }
        return Prefix + Encoders.Base58.EncodeData([.. Multicodec, .. publicKey]);
    }

    /// <summary>The raw public key of a did:key; throws <c>VmFederationDidInvalid</c> naming what is wrong.</summary>
    public static byte[] Parse(string did) => TryParse(did, out var key, out var problem)
        ? key
        : throw new VaultMeshException(IdentityErrorIds.DidInvalid, VmErrorKind.InvalidArgument,
            $"'{did}' is not an Ed25519 did:key: {problem}", did);

    /// <summary>Parses a did:key; false with the reason when it is not an Ed25519 did:key.</summary>
    public static bool TryParse(string? did, out byte[] publicKey, out string problem)
    {
        publicKey = [];
        if (did is null || !did.StartsWith(Prefix, StringComparison.Ordinal))
        {
            problem = "it must start with 'did:key:z' (base58btc).";
            return false;
        }
        byte[] data;
        try
        {
            data = Encoders.Base58.DecodeData(did[Prefix.Length..]);
        }
        catch (FormatException)
        {
            problem = "the part after 'did:key:z' is not base58btc.";
            return false;
        }
        if (data.Length != 34 || data[0] != Multicodec[0] || data[1] != Multicodec[1])
        {
            problem = "it does not encode a 32-byte ed25519-pub key (multicodec 0xed01).";
            return false;
        }
        publicKey = data[2..];
        problem = "";
        return true;
    }
}
