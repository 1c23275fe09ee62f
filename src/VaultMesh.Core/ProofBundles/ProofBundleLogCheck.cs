using System.Globalization;
using System.Text.Json;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Core.ProofBundles;

/// <summary>The <c>log</c> section of a proof bundle: the memory's place in the log and the checkpoints that commit to it.</summary>
public static partial class ProofBundleVerifier
{
    private static readonly string[] LogKeys = ProofBundleDocument.FieldsOf<ProofBundleLog>();

    private static ProofBundleLog? ReadLog(JsonElement root, SectionReader reader)
    {
        if (!root.TryGetProperty("log", out _))
        {
            return null;
        }
        var log = reader.Object(root, "log", "");
        if (log is not { } l)
        {
            return null;
        }
        reader.Keys(l, "/log", LogKeys);
        var index = reader.Integer(l, "index", "/log", minimum: 0);
        var checkpoint = reader.String(l, "checkpoint", "/log");
        var inclusion = reader.Strings(l, "inclusion", "/log");
        var anchored = reader.String(l, "anchoredCheckpoint", "/log", required: false);
        var consistency = l.TryGetProperty("consistency", out _) ? reader.Strings(l, "consistency", "/log") : [];
        foreach (var (name, hashes) in new[] { ("inclusion", inclusion), ("consistency", consistency) })
        {
            for (var i = 0; hashes is not null && i < hashes.Length; i++)
            {
                if (!LowerHex().IsMatch(hashes[i]))
                {
                    reader.Problem($"/log/{name}/{i.ToString(CultureInfo.InvariantCulture)} is not 64 lower-case hex digits");
                }
            }
        }
        return index is null || checkpoint is null || inclusion is null || consistency is null
            ? null
            : new ProofBundleLog(index.Value, checkpoint, inclusion, anchored, consistency);
    }

    /// <summary>
    /// Checks the log section; adds the roots it proves the memory into to <paramref name="roots"/> and returns the log size proven.
    /// A verifier given a vkey or a witness policy (<paramref name="required"/>) fails a bundle without one: nothing else shows the
    /// memory in a checkpoint that key signed.
    /// </summary>
    private static long? CheckLog(ProofBundleLog? log, string leafHash, NoteVerifierKey? vkey, bool required, List<MemoryCheck> checks,
        List<Sha256Digest> roots)
    {
        if (log is null)
        {
            if (required)
            {
                checks.Add(new MemoryCheck("log", false, vkey is null
                    ? "the bundle has no log section, so no checkpoint shows the memory in the log the witness policy (-Witness) is about"
                    : $"the bundle has no log section, so no checkpoint signed by {vkey.Name}+{vkey.KeyId:x8} shows the memory in that log"));
            }
            return null;
        }
        var own = CheckpointVerifier.Read(log.Checkpoint, "checkpoint", checks, vkey);
        if (own is null || !LogInclusion(leafHash, log.Index, own, log.Inclusion, checks))
        {
            return null;
        }
        roots.Add(Sha256Digest.FromBytes(own.Root));
        if (log.AnchoredCheckpoint is null)
        {
            return own.Size;
        }
        var anchored = CheckpointVerifier.Read(log.AnchoredCheckpoint, "anchoredCheckpoint", checks, vkey);
        if (anchored is null)
        {
            return null;
        }
        var consistency = CheckpointVerifier.Consistency(own, anchored, log.Consistency ?? []);
        checks.Add(consistency);
        if (consistency.Passed != true)
        {
            return null;
        }
        roots.Add(Sha256Digest.FromBytes(anchored.Root));
        return anchored.Size;
    }

    /// <summary>Adds the <c>logInclusion</c> check: the leaf hash (hex) at <paramref name="index"/> proves into the checkpoint's root.</summary>
    internal static bool LogInclusion(string leafHash, long index, CheckpointText checkpoint, IReadOnlyList<string> path, List<MemoryCheck> checks)
    {
        VerificationResult inclusion;
        try
        {
            inclusion = MerkleVerifier.VerifyInclusion(leafHash, index, checkpoint.Size, path, Digests.LowerHex.Format(checkpoint.Root));
        }
        catch (VaultMeshException ex)
        {
            checks.Add(new MemoryCheck("logInclusion", false, ex.Message));
            return false;
        }
        var at = index.ToString(CultureInfo.InvariantCulture);
        var size = checkpoint.Size.ToString(CultureInfo.InvariantCulture);
        checks.Add(new MemoryCheck("logInclusion", inclusion.Valid, inclusion.Valid
            ? $"log entry {at} is in the checkpoint of '{checkpoint.Origin}' at size {size}"
            : $"inclusion in the log fails ({inclusion.FailedCheck}): {inclusion.Reason}"));
        return inclusion.Valid;
    }

    /// <summary>What the bundle states that no signature or anchor commits to.</summary>
    private static MemoryCheck Unproven(ProofBundleLog? log, long? logSize, long batchSize)
    {
        var size = batchSize.ToString(CultureInfo.InvariantCulture);
        return logSize is { } n
            ? new MemoryCheck("unproven", null, string.Create(CultureInfo.InvariantCulture,
                $"the signed checkpoint commits to the log size {n} and its root; batch.batchId, batch.size ({size}) " +
                $"and batch.sealedAt are this node's labels, which nothing signed or anchored commits to"))
            : new MemoryCheck("unproven", null, log is null
                ? $"batch.batchId, batch.size ({size}) and batch.sealedAt are not committed to by the batch root or " +
                    "any anchor (an RFC 6962 proof for a leaf can verify for more than one tree size); only the " +
                    "memory's inclusion under the root is proven"
                : "the log section did not verify, so no log size is proven; batch.batchId, batch.size and batch.sealedAt are unproven labels");
    }
}
