using System.Globalization;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Log;

/// <summary>
/// The log audit's checks that nothing signed went missing or was altered beside the checkpoints:
/// every batch end has its checkpoint (each seal signs one), and every stored cosignature verifies
/// with its witness's key.
/// </summary>
internal static class LogCompleteness
{
    /// <summary>
    /// Each batch of the log ending above the size the log had when it was rebuilt from batches
    /// sealed before it signed anything (log_meta <c>unsigned_size</c>) must end at a stored checkpoint.
    /// </summary>
    public static MemoryCheck BatchEnds(VaultStore store, IReadOnlyList<CheckpointRecord> checkpoints)
    {
        long unsigned;
        using (var meta = store.Command("SELECT value FROM log_meta WHERE key = 'unsigned_size'"))
        {
            unsigned = meta.ExecuteScalar() is string text ? long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        }
        var signed = checkpoints.Select(c => c.Size).ToHashSet();
        var missing = new List<(string Batch, long End)>();
        var ends = 0;
        using (var command = store.Command("SELECT batch_id, log_end FROM batch_ranges WHERE log_end > $unsigned ORDER BY log_end"))
        {
            command.Parameters.AddWithValue("$unsigned", unsigned);
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                ends++;
                if (!signed.Contains(r.GetInt64(1)))
                {
                    missing.Add((r.GetString(0), r.GetInt64(1)));
                }
            }
        }
        if (missing.Count > 0)
        {
            var (batch, end) = missing[0];
            return new MemoryCheck("batch-ends", false, string.Create(CultureInfo.InvariantCulture,
                $"the checkpoint of size {end}, signed when batch {batch} was sealed, is missing "
                + $"({missing.Count} of {ends} batch ends have no checkpoint)"));
        }
        var prefix = unsigned > 0
            ? string.Create(CultureInfo.InvariantCulture, $" (the first {unsigned} leaves were sealed before the log signed checkpoints)")
            : "";
        return new MemoryCheck("batch-ends", true,
            string.Create(CultureInfo.InvariantCulture, $"each of the {ends} batch ends has its signed checkpoint{prefix}"));
    }

    /// <summary>
    /// Every stored cosignature verifies against its checkpoint's note with its witness's cosigner
    /// key: a witness named by a did:key carries its key; any other must be in the witness policy.
    /// </summary>
    public static MemoryCheck Cosignatures(VaultStore store, IReadOnlyList<CheckpointRecord> checkpoints, WitnessPolicy? policy)
    {
        var notes = checkpoints.ToDictionary(c => c.Size, c => c.Note);
        var count = 0;
        using var command = store.Command("SELECT size, witness, key_id, line FROM checkpoint_cosignatures ORDER BY size, witness, key_id");
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            count++;
            var (size, witness, keyId, line) = (r.GetInt64(0), r.GetString(1), (uint)r.GetInt64(2), r.GetString(3));
            var at = string.Create(CultureInfo.InvariantCulture, $"the cosignature of checkpoint {size} by {witness}");
            if (!notes.TryGetValue(size, out var note))
            {
                return new MemoryCheck("cosignatures", false, $"{at} is kept, but checkpoint {size.ToString(CultureInfo.InvariantCulture)} is not");
            }
            var key = CosignerKey(witness, keyId, policy);
            if (key is null)
            {
                return new MemoryCheck("cosignatures", false, $"{at} cannot be checked: no cosigner key of that name and key ID is known here");
            }
            string? problem;
            try
            {
                var text = SignedNote.Parse(note).Text;
                var cosigned = SignedNote.Parse(text + "\n" + line + "\n");
                var signature = cosigned.Signatures.Where(s => s.Name == witness && s.KeyId == keyId).ToList();
                var check = signature.Count == 1 ? key.Verify(new SignedNote(text, signature)) : null;
                problem = check is null ? "its line is not one signature by that witness" : check.Valid ? null : check.Detail;
            }
            catch (Errors.VaultMeshException ex)
            {
                problem = ex.Message;
            }
            if (problem is not null)
            {
                return new MemoryCheck("cosignatures", false, $"{at} does not verify: {problem}");
            }
        }
        return count == 0
            ? new MemoryCheck("cosignatures", null, "no checkpoint has a stored cosignature")
            : new MemoryCheck("cosignatures", true,
                string.Create(CultureInfo.InvariantCulture, $"each of the {count} stored cosignatures verifies with its witness's key"));
    }

    private static NoteVerifierKey? CosignerKey(string witness, uint keyId, WitnessPolicy? policy)
    {
        if (witness.StartsWith("did:key:", StringComparison.Ordinal) && DidKey.TryParse(witness, out var publicKey, out _))
        {
            var key = NoteVerifierKey.CreateCosigner(witness, publicKey);
            if (key.KeyId == keyId)
            {
                return key;
            }
        }
        // A guardian's ML-DSA-44 key is not in its did:key: the policy (the peer's PostQuantumVkey) names it.
        return policy?.Witnesses.FirstOrDefault(w => w.Name == witness && w.KeyId == keyId);
    }
}
