using System.Globalization;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Core.Log;

/// <summary>
/// Verifies a C2SP checkpoint note on its own: its format, its signature by a vkey, and given an
/// older checkpoint of the same origin, the RFC 9162 consistency proof from the older to this one.
/// Anything wrong is a failed check with a reason, never an exception.
/// </summary>
public static class CheckpointVerifier
{
    /// <summary>The <see cref="CheckpointVerification.Source"/> of notes given as text.</summary>
    public const string NoteSource = "<note>";

    /// <summary>Verifies <paramref name="note"/>.</summary>
    /// <param name="note">The signed checkpoint note.</param>
    /// <param name="vkey">The key it must be signed by; null: the signature is reported as not checked.</param>
    /// <param name="olderNote">An older checkpoint of the same log, or null.</param>
    /// <param name="consistencyPath">The consistency proof (hex) from the older checkpoint to this one; required with
    /// <paramref name="olderNote"/>.</param>
    /// <param name="source">Where the note came from.</param>
    public static CheckpointVerification Verify(string note, NoteVerifierKey? vkey, string? olderNote = null,
        IReadOnlyList<string>? consistencyPath = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(note);
        source ??= NoteSource;
        var checks = new List<MemoryCheck>();
        var parsed = Read(note, "note", checks, vkey);
        if (parsed is null)
        {
            return new CheckpointVerification(source, null, null, null, checks);
        }
        if (olderNote is not null)
        {
            var older = Read(olderNote, "olderNote", checks, vkey);
            if (older is not null)
            {
                checks.Add(Consistency(older, parsed, consistencyPath ?? []));
            }
        }
        return new CheckpointVerification(source, parsed.Origin, parsed.Size, LowerHex.Format(parsed.Root), checks);
    }

    /// <summary>
    /// Verifies <paramref name="note"/> as <see cref="Verify(string, NoteVerifierKey?, string?, IReadOnlyList{string}?, string?)"/>
    /// does; with <paramref name="requirePostQuantum"/> it passes only against the log's ML-DSA-44 vkey
    /// (type 0x06), so a verifier that needs a quantum-resistant signature fails closed when it is given
    /// an Ed25519 vkey, none, or a note without the ML-DSA line.
    /// </summary>
    public static CheckpointVerification Verify(string note, NoteVerifierKey? vkey, bool requirePostQuantum, string? olderNote = null,
        IReadOnlyList<string>? consistencyPath = null, string? source = null)
    {
        var result = Verify(note, vkey, olderNote, consistencyPath, source);
        if (!requirePostQuantum)
        {
            return result;
        }
        var checks = result.Checks.ToList();
        checks.Add(PostQuantumRequired(vkey));
        return new CheckpointVerification(result.Source, result.Origin, result.Size, result.Root, checks);
    }

    /// <summary>The <c>postQuantum</c> check of a verifier that requires the log's ML-DSA-44 signature: whether the vkey given is one.</summary>
    internal static MemoryCheck PostQuantumRequired(NoteVerifierKey? vkey) => vkey switch
    {
        null => new MemoryCheck("postQuantum", false,
            "a post-quantum signature is required, and no vkey was given: " +
            "give the log's ML-DSA-44 vkey (PostQuantumVkey of Get-VmCheckpoint)"),
        { IsPostQuantum: false } => new MemoryCheck("postQuantum", false,
            $"a post-quantum signature is required, and the vkey {vkey.Name}+{vkey.KeyId:x8} is {vkey.Algorithm}: " +
            "give the log's ML-DSA-44 vkey (type 0x06, PostQuantumVkey of Get-VmCheckpoint)"),
        _ => new MemoryCheck("postQuantum", true, $"the signatures were checked with the ML-DSA-44 vkey {vkey.Name}+{vkey.KeyId:x8}"),
    };

    /// <summary>Checks that <paramref name="path"/> proves the log of <paramref name="older"/> is a prefix of the log
    /// of <paramref name="newer"/>.</summary>
    public static MemoryCheck Consistency(CheckpointText older, CheckpointText newer, IReadOnlyList<string> path)
    {
        if (older.Origin != newer.Origin)
        {
            return new MemoryCheck("consistency", false, $"the checkpoints are of different logs ('{older.Origin}' and '{newer.Origin}')");
        }
        if (older.Root.Length != MerkleHasher.HashSize || newer.Root.Length != MerkleHasher.HashSize)
        {
            return new MemoryCheck("consistency", false, "a checkpoint root is not a SHA-256 hash");
        }
        VerificationResult result;
        try
        {
            result = MerkleVerifier.VerifyConsistency(older.Size, newer.Size, LowerHex.Format(older.Root), LowerHex.Format(newer.Root), path);
        }
        catch (VaultMeshException ex)
        {
            return new MemoryCheck("consistency", false, ex.Message);
        }
        return result.Valid
            ? new MemoryCheck("consistency", true, string.Create(CultureInfo.InvariantCulture,
                $"the log of {older.Size} leaves is a prefix of the log of {newer.Size} leaves"))
            : new MemoryCheck("consistency", false, $"the consistency proof fails ({result.FailedCheck}): {result.Reason}");
    }

    /// <summary>
    /// Parses a note and its checkpoint body, adding a format check and a signature check. A note that
    /// carries two signature lines of one key fails the format check; with a vkey, the signature check
    /// also requires the checkpoint's origin to be the vkey's name (docs/log.md).
    /// </summary>
    internal static CheckpointText? Read(string note, string name, List<MemoryCheck> checks, NoteVerifierKey? vkey)
    {
        SignedNote signed;
        CheckpointText text;
        try
        {
            signed = SignedNote.Parse(note);
            text = CheckpointText.Parse(signed.Text);
        }
        catch (VaultMeshException ex)
        {
            checks.Add(new MemoryCheck(name, false, ex.Message));
            return null;
        }
        var repeated = signed.Signatures.GroupBy(s => (s.Name, s.KeyId)).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            checks.Add(new MemoryCheck(name, false, string.Create(CultureInfo.InvariantCulture,
                $"the note carries {repeated.Count()} signature lines of the key " +
                $"{repeated.Key.Name}+{repeated.Key.KeyId:x8}; a note is signed once by each key")));
            return null;
        }
        checks.Add(new MemoryCheck(name, true, string.Create(CultureInfo.InvariantCulture,
            $"checkpoint of '{text.Origin}' at size {text.Size}, root {Convert.ToBase64String(text.Root)}")));
        checks.Add(Signature(name + "Signature", signed, text.Origin, vkey));
        return text;
    }

    /// <summary>
    /// The signature check of a checkpoint note against its log's vkey: the vkey must be a note key or
    /// the log's ML-DSA-44 key (a witness's cosignature/v1 key proves nothing about who issued the
    /// checkpoint), its name must be the checkpoint's origin (else another log's checkpoint would pass,
    /// and a witness's ML-DSA key is named by the witness), and its signature must verify. The detail
    /// starts with the algorithm. Not applicable (null) without a vkey.
    /// </summary>
    internal static MemoryCheck Signature(string name, SignedNote note, string origin, NoteVerifierKey? vkey)
    {
        if (vkey is null)
        {
            return new MemoryCheck(name, null, "no vkey given: the signature was not checked, so nothing proves who signed this checkpoint");
        }
        if (vkey.SignatureType == NoteVerifierKey.CosignatureV1Type)
        {
            return new MemoryCheck(name, false,
                $"the vkey {vkey.Name}+{vkey.KeyId:x8} is a witness cosigner key (type 0x04); " +
                "a checkpoint is verified against its log's note key (type 0x01)");
        }
        if (!string.Equals(origin, vkey.Name, StringComparison.Ordinal))
        {
            return new MemoryCheck(name, false,
                $"the checkpoint is of the log '{origin}', but the vkey is the key of '{vkey.Name}': " +
                "a checkpoint verifies only against the vkey named by its origin");
        }
        var check = vkey.Verify(note);
        return new MemoryCheck(name, check.Valid, vkey.Algorithm + ": " + check.Detail);
    }
}
