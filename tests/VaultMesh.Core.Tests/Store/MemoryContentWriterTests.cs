using System.Text.Json.Nodes;
using CsCheck;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Memory;

namespace VaultMesh.Core.Tests.Store;

/// <summary>The direct writer must give exactly the id and leaf of the reference path (JSON trees and RFC 8785).</summary>
public class MemoryContentWriterTests
{
    // Text that needs every kind of RFC 8785 handling: quotes, backslashes, control characters,
    // non-ASCII, surrogate pairs, and (rarely) a lone surrogate, which the writer must decline.
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char["a\"\\\b\f\n\r\t\u0001\u001f\u007f/é€"], 0, 12],
        Gen.Const("𝄞 emoji 😀 mixed"),
        Gen.String[Gen.Char, 0, 8],
        Gen.Const("lone \ud800 surrogate"));

    private static readonly Gen<string> Field = Text.Where(t => t.Trim().Length > 0 && t.Length <= 256);

    [Fact]
    public void The_written_id_and_leaf_are_those_of_the_reference_path()
    {
        Gen.Select(Field, Field, Field, Text.Array[0, 4], Gen.Select(Text.Null(), Text.Null(), Gen.Bool), Gen.Select(Gen.Int, Gen.Double, Text))
            .Sample((type, component, version, tags, optional, payloadParts) =>
            {
                var (actor, artifactName, withArtifact) = optional;
                var (n, x, s) = payloadParts;
                var payloadNode = new JsonObject
                {
                    ["n"] = n, ["s"] = s,
                    ["nested"] = new JsonObject
                    {
                        ["x"] = double.IsFinite(x) ? x : 0, ["list"] = new JsonArray(1, "b", null),
                    },
                };
                string payload;
                try
                {
                    payload = CanonicalJson.Canonicalize(payloadNode);
                }
                catch (CanonicalJsonException)
                {
                    return; // a payload with a lone surrogate never reaches the writer
                }
                var sortedTags = tags.Where(t => t.Trim().Length > 0).Select(t => t.Trim())
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
                var artifact = withArtifact ? "sha256:" + new string('a', 64) : null;
                const string Timestamp = "2026-11-30T14:21:32.123Z";

                var written = MemoryContentWriter.TryWrite(type, component, version, payload, artifact, artifactName,
                    actor, sortedTags, Timestamp, out var id, out var leaf);
                string referenceId;
                byte[] referenceLeaf;
                try
                {
                    var content = MemoryContent.Content(type, component, version, payload, artifact, artifactName, actor, sortedTags);
                    referenceId = MemoryContent.Id(content);
                    referenceLeaf = MemoryContent.Leaf(content, referenceId, Timestamp);
                }
                catch (CanonicalJsonException ex)
                {
                    var fields = new[] { type, component, version, actor ?? "", artifactName ?? "" }.Select(f =>
                        string.Join(" ",
                            f.Select(c => ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture))));
                    Assert.False(written, "the writer accepted a field the reference path rejects: " + ex.Message + " "
                        + string.Join(",", fields));
                    return;
                }
                Assert.True(written, "the writer declined fields the reference path accepts");
                Assert.Equal(referenceId, id);
                Assert.Equal(referenceLeaf, leaf);
            }, iter: 3000);
    }
}
