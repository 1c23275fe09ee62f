using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Spawn;
using VaultMesh.Core.Tests.ProofBundles;

namespace VaultMesh.Core.Tests.BadInput;

/// <summary>
/// In .NET, <c>$</c> also matches before a final newline, so <c>^...$</c> accepts <c>"abc\n"</c>. Every
/// pattern that validates input must refuse the input with a newline appended wherever it accepts the input.
/// </summary>
public sealed class TrailingNewlineTests
{
    // One input that each validating pattern of the core accepts; a new pattern needs a sample here.
    private static readonly string[] Samples =
    [
        "abc", "payment-api", "prod_1", "Prod-2", "5m", "1.5 h", new string('a', 64),
    ];

    private static IEnumerable<(string Name, Regex Pattern)> CorePatterns()
    {
        foreach (var type in typeof(SpawnName).Assembly.GetTypes())
        {
            const BindingFlags all = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (var method in type.GetMethods(all))
            {
                if (method.GetCustomAttribute<GeneratedRegexAttribute>() is not null)
                {
                    yield return ($"{type.FullName}.{method.Name}()", (Regex)method.Invoke(null, null)!);
                }
            }
            foreach (var field in type.GetFields(all).Where(f => f.FieldType == typeof(Regex) && !type.Name.Contains('<', StringComparison.Ordinal)))
            {
                yield return ($"{type.FullName}.{field.Name}", (Regex)field.GetValue(null)!);
            }
        }
    }

    [Fact]
    public void No_validating_pattern_of_the_core_accepts_an_input_with_a_trailing_newline()
    {
        var patterns = CorePatterns().ToList();
        Assert.NotEmpty(patterns);
        foreach (var (name, pattern) in patterns)
        {
            var accepted = Samples.Where(s => pattern.IsMatch(s)).ToList();
            Assert.True(accepted.Count > 0, $"{name} ({pattern}) accepts none of the samples; add one it accepts");
            foreach (var sample in accepted)
            {
                Assert.False(pattern.IsMatch(sample + "\n"), $"{name} ({pattern}) accepts '{sample}' followed by a newline");
            }
        }
    }

    [Theory]
    [InlineData("proof", "leafHash", null)]
    [InlineData("batch", "root", null)]
    [InlineData("proof", "auditPath", 0)]
    public void A_proof_bundle_hash_with_a_trailing_newline_fails_a_check_instead_of_throwing(string section, string field, int? index)
    {
        using var sealedStore = new SealedStore(3);
        var node = JsonNode.Parse(ProofBundleWriter.Create(sealedStore.Get(1), sealedStore.Batches, sealedStore.Sealer.Log))!;
        var target = node[section]!;
        var pointer = $"/{section}/{field}";
        if (index is { } at)
        {
            var array = target[field]!.AsArray();
            array[at] = (string?)array[at] + "\n";
            pointer += "/" + at.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            target[field] = (string?)target[field] + "\n";
        }
        var result = ProofBundleVerifier.Verify(node.ToJsonString(), vkey: sealedStore.Sealer.Log.VerifierKey);
        Assert.False(result.Valid);
        Assert.Contains(pointer, result.Reason, StringComparison.Ordinal);
    }
}
