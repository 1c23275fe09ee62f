using System.Globalization;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
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
    /// <param name="consistencyPath">The consistency proof (hex) from the older checkpoint to this one; required with <paramref name="olderNote"/>.</param>
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

    /// <summary>Checks that <paramref name="path"/> proves the log of <paramref name="older"/> is a prefix of the log of <paramref name="newer"/>.</summary>
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
            ? new MemoryCheck("consistency", true, string.Create(CultureInfo.InvariantCulture, $"the log of {older.Size} leaves is a prefix of the log of {newer.Size} leaves"))
            : new MemoryCheck("consistency", false, $"the consistency proof fails ({result.FailedCheck}): {result.Reason}");
    }

    /// <summary>Parses a note and its checkpoint body, adding a format check and a signature check.</summary>
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
        checks.Add(new MemoryCheck(name, true, string.Create(CultureInfo.InvariantCulture,
            $"checkpoint of '{text.Origin}' at size {text.Size}, root {Convert.ToBase64String(text.Root)}")));
        checks.Add(Signature(name + "Signature", signed, vkey));
        return text;
    }

    /// <summary>The signature check of a note against a vkey; not applicable (null) without one.</summary>
    internal static MemoryCheck Signature(string name, SignedNote note, NoteVerifierKey? vkey)
    {
        if (vkey is null)
        {
            return new MemoryCheck(name, null, "no vkey given: the signature was not checked, so nothing proves who signed this checkpoint");
        }
        var check = vkey.Verify(note);
        return new MemoryCheck(name, check.Valid, check.Detail);
    }
}
