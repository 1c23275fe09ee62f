using VaultMesh.Core.Errors;
using VaultMesh.Core.Spawn;

namespace VaultMesh.Core.Tests.Spawn;

public sealed class SpawnNameTests
{
    [Theory]
    [InlineData("api", "Api")]
    [InlineData("payment-api", "PaymentApi")]
    [InlineData("a1-b2-c3", "A1B2C3")]
    public void Valid_names_become_pascal_namespaces(string name, string pascal)
    {
        Assert.Equal(name, SpawnName.Validate(name));
        Assert.Equal(pascal, SpawnName.ToPascal(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Api")]
    [InlineData("1api")]
    [InlineData("api-")]
    [InlineData("a--b")]
    [InlineData("a_b")]
    [InlineData("../etc")]
    [InlineData("system-core")]
    [InlineData("abc\n")]
    [InlineData("system\n")]
    public void Invalid_or_reserved_names_are_refused(string name)
    {
        var e = Assert.Throws<VaultMeshException>(() => SpawnName.Validate(name));
        Assert.Equal(SpawnErrorIds.NameInvalid, e.ErrorId);
    }

    [Fact]
    public void Names_longer_than_a_dns_label_are_refused() =>
        Assert.Throws<VaultMeshException>(() => SpawnName.Validate(new string('a', 64)));
}
