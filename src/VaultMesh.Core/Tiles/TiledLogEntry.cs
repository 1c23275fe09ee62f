using System.Globalization;
using System.Text;
using System.Text.Json;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Core.Tiles;

/// <summary>One entry of a tiled log with its inclusion proof, verified against the log's verified checkpoint.</summary>
public sealed class TiledLogEntry
{
    internal TiledLogEntry(string url, string origin, long index, long size, byte[] bytes, string? text, string leafHash,
        IReadOnlyList<string> inclusionProof, string root, string note)
    {
        Url = url;
        Origin = origin;
        Index = index;
        Size = size;
        Bytes = bytes;
        Text = text;
        LeafHash = leafHash;
        InclusionProof = inclusionProof;
        Root = root;
        Note = note;
    }

    /// <summary>The log's prefix URL or directory.</summary>
    public string Url { get; }
    /// <summary>The log's origin.</summary>
    public string Origin { get; }
    /// <summary>The entry's index.</summary>
    public long Index { get; }
    /// <summary>The checkpointed size the proof is against.</summary>
    public long Size { get; }
    /// <summary>The entry's bytes as the bundle holds them.</summary>
    public byte[] Bytes { get; }
    /// <summary>The bytes as text when they are UTF-8 JSON, else null.</summary>
    public string? Text { get; }
    /// <summary>SHA-256(0x00 || bytes), lower-case hex.</summary>
    public string LeafHash { get; }
    /// <summary>The RFC 9162 inclusion proof, bottom-up, lower-case hex.</summary>
    public IReadOnlyList<string> InclusionProof { get; }
    /// <summary>The checkpoint's root, lower-case hex.</summary>
    public string Root { get; }
    /// <summary>The verified checkpoint note.</summary>
    public string Note { get; }

    /// <summary>
    /// Reads entry <paramref name="index"/> of the log at <paramref name="client"/>: verifies the
    /// checkpoint (vkey, origin, witnesses), reads the entry's bundle and the tiles of its proof,
    /// and verifies the inclusion of its leaf hash in the checkpoint's root.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmLogEntryOutOfRange</c>, or a checkpoint, tile or bundle error naming the file.</exception>
    public static TiledLogEntry Read(TiledLogClient client, Func<string, NoteVerifierKey> vkeyFor, WitnessPolicy? witnesses, long index,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (note, _, text, _, _) = TiledLogVerifier.ReadCheckpoint(client, vkeyFor, witnesses, cancellationToken);
        if (index < 0 || index >= text.Size)
        {
            throw new VaultMeshException(TileReadErrorIds.EntryOutOfRange, VmErrorKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture,
                    $"The log '{text.Origin}' at {client.Location} has {text.Size} entries at its checkpoint; " +
                    $"there is no entry {index}."),
                index);
        }
        var reader = TileHashReader.Open(client, text.Size, text.Root, cancellationToken);
        var bundle = TileCoordinate.Covering(-1, index, text.Size);
        var where = client.Describe(bundle.Path);
        var bytes = EntryBundle.Split(client.GetTile(bundle, cancellationToken), bundle, where)[(int)(index - bundle.FirstPosition)].ToArray();
        var leaf = MerkleHasher.HashLeaf(bytes);
        var proof = reader.InclusionProof(index);
        var result = MerkleVerifier.VerifyInclusion(leaf, index, text.Size, proof, text.Root);
        if (!result.Valid)
        {
            throw EntryBundle.Invalid(where, string.Create(CultureInfo.InvariantCulture,
                $"entry {index} is not included in the checkpoint's root ({result.Reason})"));
        }
        return new TiledLogEntry(client.Location, text.Origin, index, text.Size, bytes, JsonText(bytes), LowerHex.Format(leaf),
            proof.Select(h => LowerHex.Format(h)).ToList(), LowerHex.Format(text.Root), note);
    }

    private static string? JsonText(byte[] bytes)
    {
        try
        {
            var textValue = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            using var _ = JsonDocument.Parse(bytes);
            return textValue;
        }
        catch (Exception ex) when (ex is DecoderFallbackException or JsonException)
        {
            return null;
        }
    }
}
