using System.Text;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Identity;

/// <summary>
/// The C2SP signed-note verifier key (<c>vkey</c>) of an Ed25519 key:
/// <c>&lt;name&gt;+&lt;key id, 8 hex&gt;+&lt;base64(0x01 || public key)&gt;</c>, where the key id is the first four
/// bytes of SHA-256(name || 0x0A || 0x01 || public key).
/// </summary>
public static class NoteVerifierKey
{
    private const byte Ed25519Type = 0x01;

    /// <summary>Formats the vkey of <paramref name="publicKey"/> under the key name <paramref name="name"/>.</summary>
    public static string Format(string name, ReadOnlySpan<byte> publicKey)
    {
        if (name.Length == 0 || name.Any(c => c == '+' || char.IsWhiteSpace(c)))
        {
            throw new ArgumentException("A note key name is non-empty and has no '+' or white space.", nameof(name));
        }
        byte[] typed = [Ed25519Type, .. publicKey];
        var id = Sha256Digest.Compute([.. Encoding.UTF8.GetBytes(name), 0x0A, .. typed]).ToHex()[..8];
        return $"{name}+{id}+{Convert.ToBase64String(typed)}";
    }
}
