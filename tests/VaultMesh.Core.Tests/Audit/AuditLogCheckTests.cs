using VaultMesh.Core.Audit;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Services;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.Store;

namespace VaultMesh.Core.Tests.Audit;

/// <summary>The audit runs the log audit as its <c>log</c> check: a forged store fails it.</summary>
public sealed class AuditLogCheckTests : IDisposable
{
    private readonly TempDirectory _home = new();
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private VaultMeshContext Context() => VaultMeshContext.Resolve(null,
        EnvironmentSource.From(new Dictionary<string, string> { [VaultMeshPaths.HomeVariable] = _home.Path }));

    private VaultMeshContext SealThreeBatches()
    {
        var context = Context();
        using var store = VaultStore.Open(context.DataDirectory);
        for (var i = 0; i < 3; i++)
        {
            new MemoryStore(store, _time).Record(new MemoryDraft { Type = "event", Component = "audit", Version = $"{i}" });
            ProfileLogs.SealerOver(store, _time).Seal();
        }
        return context;
    }

    private static void Execute(VaultMeshContext context, params string[] sql)
    {
        using var store = VaultStore.Open(context.DataDirectory);
        foreach (var statement in sql)
        {
            using var command = store.Command(statement);
            command.ExecuteNonQuery();
        }
    }

    private AuditCheckResult RunLog(VaultMeshContext context) =>
        new AuditService(context, AuditOptions.FromProfile(context.Settings),
            opened => ProfileServices.LogOver(opened, context), _time).Run(["log"]).Single();

    [Fact]
    public void The_log_check_is_one_of_the_audit_checks_and_passes_on_an_honest_store()
    {
        Assert.Contains("log", AuditService.CheckNames);
        var context = SealThreeBatches();
        var result = RunLog(context);
        Assert.Equal(AuditCheckResult.Pass, result.Status);
        Assert.Contains("3", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_the_checkpoint_of_the_middle_batch_fails_the_log_check_naming_its_size()
    {
        var context = SealThreeBatches();
        Execute(context, "DROP TRIGGER checkpoints_append_only_delete", "DELETE FROM checkpoints WHERE size = 2");
        var result = RunLog(context);
        Assert.Equal(AuditCheckResult.Fail, result.Status);
        Assert.Contains("size 2", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Zeroing_a_stored_leaf_hash_fails_the_log_check()
    {
        var context = SealThreeBatches();
        Execute(context, "DROP TRIGGER log_nodes_append_only_update", "UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 1");
        var result = RunLog(context);
        Assert.Equal(AuditCheckResult.Fail, result.Status);
        Assert.Contains("log index 1", result.Detail, StringComparison.Ordinal);
    }

    public void Dispose() => _home.Dispose();
}
