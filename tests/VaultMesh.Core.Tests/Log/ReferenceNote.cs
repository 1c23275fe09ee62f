using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace VaultMesh.Core.Tests.Log;

/// <summary>
/// An independent reading of c2sp.org/signed-note, written from the spec alone and sharing no code
/// with the product: split the note at its last blank line, decode the vkey, recompute the key ID
/// as SHA-256(name || 0x0A || 0x01 || key)[:4], and check the Ed25519 signature of the text with
/// the RFC 8032 primitive directly.
/// </summary>
internal static class ReferenceNote
{
    public static bool Verify(string note, string vkey)
    {
        var parts = vkey.Split('+', 3);
        var name = parts[0];
        var keyId = Convert.FromHexString(parts[1]);
        var key = Convert.FromBase64String(parts[2]);
        if (key.Length != 33 || key[0] != 0x01)
        {
            return false;
        }
        var pub = key[1..];
        var idInput = Encoding.UTF8.GetBytes(name).Concat(new byte[] { 0x0A, 0x01 }).Concat(pub).ToArray();
        if (!SHA256.HashData(idInput).AsSpan(0, 4).SequenceEqual(keyId))
        {
            return false;
        }
        var bytes = Encoding.UTF8.GetBytes(note);
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        var text = Encoding.UTF8.GetBytes(note[..(split + 1)]);
        var found = false;
        foreach (var line in note[(split + 2)..].TrimEnd('\n').Split('\n'))
        {
            var prefix = "\u2014 " + name + " ";
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var sig = Convert.FromBase64String(line[prefix.Length..]);
            if (!sig.AsSpan(0, 4).SequenceEqual(keyId))
            {
                continue;
            }
            if (sig.Length != 68 || !Ed25519.Verify(sig, 4, pub, 0, text, 0, text.Length))
            {
                return false;
            }
            found = true;
        }
        return found && bytes.Length > 0;
    }
}
