using VaultMesh.TestTsa;

namespace VaultMesh.Core.Tests.Anchoring.Tsa;

/// <summary>One real OpenSSL TSA for the test class, plus a second CA whose bundle trusts nothing of it.</summary>
public sealed class TsaFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vmx-tsa-" + Guid.NewGuid().ToString("N"));

    public TestTsaServer Server { get; private set; } = null!;

    public TestTsaAuthority Stranger { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Server = TestTsaServer.Start(TestTsaAuthority.Create(Path.Combine(_directory, "tsa")));
        Stranger = TestTsaAuthority.Create(Path.Combine(_directory, "stranger"), name: "Stranger TSA");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
