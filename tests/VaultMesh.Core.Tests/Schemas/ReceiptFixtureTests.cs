using VaultMesh.Core.Schemas;

namespace VaultMesh.Core.Tests.Schemas;

public sealed class ReceiptFixtureTests
{
    private static readonly ReceiptValidator Validator = new();

    public static TheoryData<string> ValidFiles() => [.. Fixtures.Files("valid").Select(f => Path.GetFileName(f))];

    public static TheoryData<string> InvalidFiles() => [.. Fixtures.Files("invalid").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Valid_fixture_passes(string name)
    {
        var path = Path.Combine(Fixtures.ReceiptsDirectory, "valid", name);
        var result = Validator.ValidateFile(path);
        Assert.True(result.Valid, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(path, result.Source);
        Assert.Equal(name.StartsWith("manifest-", StringComparison.Ordinal) ? ReceiptDocumentKind.BatchManifest : ReceiptDocumentKind.Receipt, result.Kind);
    }

    [Theory]
    [MemberData(nameof(InvalidFiles))]
    public void Invalid_fixture_fails_with_the_expected_kind_at_the_expected_pointer(string name)
    {
        var expected = Fixtures.ExpectedErrors();
        Assert.True(expected.TryGetValue(name, out var want), $"{name} has no entry in expected-errors.json");
        var kind = Enum.Parse<ReceiptValidationErrorKind>(want.Kind);
        // The file name's prefix and the expectation must agree, so a misfiled fixture is caught.
        Assert.StartsWith(want.Kind.ToLowerInvariant() + "-", name, StringComparison.Ordinal);

        var result = Validator.ValidateFile(Path.Combine(Fixtures.ReceiptsDirectory, "invalid", name));

        Assert.False(result.Valid);
        Assert.All(result.Errors, e => Assert.Equal(kind, e.Kind));
        Assert.Contains(result.Errors, e => e.Pointer == want.Pointer);
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Fact]
    public void Every_expectation_has_a_fixture()
    {
        var files = Fixtures.Files("invalid").Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        Assert.All(Fixtures.ExpectedErrors().Keys, k => Assert.Contains(k, files));
    }

    [Fact]
    public void Fixtures_cover_each_rail_and_status()
    {
        var names = Fixtures.Files("valid").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        foreach (var rail in new[] { "btc", "evm", "tsa" })
        {
            foreach (var status in new[] { "pending", "submitted", "verified", "failed", "reorged" })
            {
                Assert.Contains($"{rail}-{status}", names);
            }
        }
        Assert.Contains(names, n => n!.StartsWith("manifest-", StringComparison.Ordinal));
    }
}
