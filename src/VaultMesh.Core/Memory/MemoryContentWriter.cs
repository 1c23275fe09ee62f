using System.Buffers;
using System.Text;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Memory;

/// <summary>
/// Writes a memory's content and leaf straight into their RFC 8785 bytes. The members and their order
/// are fixed (keys sorted by UTF-16 code units) and the payload is canonical already, so this gives the
/// bytes <see cref="MemoryContent.Content(string, string, string, string, string?, string?, string?, IEnumerable{string})"/>
/// and <see cref="MemoryContent.Leaf(System.Text.Json.Nodes.JsonObject, string, string)"/> give, without
/// building and re-reading JSON trees: recording spends most of its time there otherwise.
/// </summary>
internal static class MemoryContentWriter
{
    /// <summary>
    /// The id and leaf of a memory with these normalised fields; false when a text field is not valid
    /// UTF-16 (a lone surrogate), which only the general path reports with its proper error.
    /// </summary>
    public static bool TryWrite(string type, string component, string version, string payloadJcs, string? artifactHash, string? artifactName,
        string? actor, IReadOnlyList<string> tags, string timestamp, out string id, out byte[] leaf)
    {
        id = "";
        leaf = [];
        if (!Valid(type) || !Valid(component) || !Valid(version) || !Valid(artifactHash) || !Valid(artifactName) || !Valid(actor) || !Valid(timestamp)
            || tags.Any(t => !Valid(t)))
        {
            return false;
        }
        var payload = Encoding.UTF8.GetBytes(payloadJcs);
        var output = new ArrayBufferWriter<byte>(256 + payload.Length);
        Write(output, type, component, version, payload, artifactHash, artifactName, actor, tags, null, null);
        id = Sha256Digest.Compute(output.WrittenSpan).ToPrefixed();
        output.Clear();
        Write(output, type, component, version, payload, artifactHash, artifactName, actor, tags, id, timestamp);
        leaf = output.WrittenSpan.ToArray();
        return true;
    }

    // Member order: actor, artifactHash, artifactName, component, id, payload, tags, timestamp, type, version.
    private static void Write(ArrayBufferWriter<byte> output, string type, string component, string version, byte[] payload, string? artifactHash,
        string? artifactName, string? actor, IReadOnlyList<string> tags, string? id, string? timestamp)
    {
        output.Write("{"u8);
        var first = true;
        void Member(ReadOnlySpan<byte> key)
        {
            if (!first)
            {
                output.Write(","u8);
            }
            first = false;
            output.Write(key);
        }
        if (actor is not null)
        {
            Member("\"actor\":"u8);
            JcsWriter.WriteString(output, actor);
        }
        if (artifactHash is not null)
        {
            Member("\"artifactHash\":"u8);
            JcsWriter.WriteString(output, artifactHash);
        }
        if (artifactName is not null)
        {
            Member("\"artifactName\":"u8);
            JcsWriter.WriteString(output, artifactName);
        }
        Member("\"component\":"u8);
        JcsWriter.WriteString(output, component);
        if (id is not null)
        {
            Member("\"id\":"u8);
            JcsWriter.WriteString(output, id);
        }
        Member("\"payload\":"u8);
        output.Write(payload);
        Member("\"tags\":["u8);
        for (var i = 0; i < tags.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }
            JcsWriter.WriteString(output, tags[i]);
        }
        output.Write("]"u8);
        if (timestamp is not null)
        {
            Member("\"timestamp\":"u8);
            JcsWriter.WriteString(output, timestamp);
        }
        Member("\"type\":"u8);
        JcsWriter.WriteString(output, type);
        Member("\"version\":"u8);
        JcsWriter.WriteString(output, version);
        output.Write("}"u8);
    }

    private static bool Valid(string? text) => text is null || !CanonicalJson.HasLoneSurrogate(text);
}
