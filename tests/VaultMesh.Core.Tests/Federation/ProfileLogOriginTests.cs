using System.Net;
using VaultMesh.Core.Audit;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Services;
using VaultMesh.TestServers;
using Xunit;

namespace VaultMesh.Core.Tests.Federation;

/// <summary>A profile's <c>log.origin</c> reaches every reader of its log: the guardian's checkpoint route and
/// batch route, the audit and the identity record all read the one log the profile builds.</summary>
public sealed class ProfileLogOriginTests : IDisposable
{
    private const string Origin = "example.com/house";
    private readonly TempDirectory _home = new();

    private VaultMeshContext Context() => VaultMeshContext.Resolve("lab", EnvironmentSource.From(
        new Dictionary<string, string> { [VaultMeshPaths.HomeVariable] = _home.Path, ["FEDERATION_ENABLED"] = "0" }));

    private VaultMeshContext SealedProfile()
    {
        var context = Context();
        var values = new Dictionary<string, object?> { ["log.origin"] = Origin };
        ConfigWriter.Write(context.Paths.ConfigPath, "lab", values);
        context = Context();
        using var services = new ProfileServices(context);
        services.Memories.Record(new MemoryDraft { Type = "event", Component = "origin", Version = "1" });
        services.Sealer.Seal();
        return context;
    }

    [Fact]
    public async Task The_guardian_serves_the_checkpoint_of_the_profiles_log()
    {
        var context = SealedProfile();
        using var services = new ProfileServices(context);
        var key = NodeKey.LoadOrCreate(NodeKey.DefaultPath(context.DataDirectory));
        var settings = new GuardianSettings { Listen = $"127.0.0.1:{LoopbackPort.Next()}" };
        var guardian = services.Guardian(key, settings, null);
        using var stop = new CancellationTokenSource();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = guardian.RunAsync(listening.SetResult, stop.Token);
        try
        {
            Assert.Same(listening.Task, await Task.WhenAny(listening.Task, run));
            using var client = new HttpClient();
            using var response = await client.GetAsync(new Uri(await listening.Task, "/log/checkpoint"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var note = await response.Content.ReadAsStringAsync();
            Assert.StartsWith(Origin + "\n1\n", note, StringComparison.Ordinal);
            Assert.Equal(services.Log.GetCheckpoint()!.CosignedNote, note);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public void The_audit_checks_the_profiles_log()
    {
        var context = SealedProfile();
        using var services = new ProfileServices(context);
        var result = services.Audit(online: false).Run(["log"]).Single();
        Assert.Equal(AuditCheckResult.Pass, result.Status);
        Assert.Equal(Origin, services.Log.Audit().Origin);
    }

    [Fact]
    public void A_new_identity_is_refused_naming_the_profiles_log_origin()
    {
        var context = SealedProfile();
        using var services = new ProfileServices(context);
        var ex = Assert.Throws<VaultMeshException>(() => services.NewIdentity(force: true));
        Assert.Equal(IdentityErrorIds.KeySignedLog, ex.ErrorId);
        Assert.Contains($"log '{Origin}'", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _home.Dispose();
}
