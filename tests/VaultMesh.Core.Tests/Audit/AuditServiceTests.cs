using VaultMesh.Core.Audit;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Services;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.Store;

namespace VaultMesh.Core.Tests.Audit;

public sealed class AuditServiceTests : IDisposable
{
    private readonly TempDirectory _home = new();
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private VaultMeshContext Context(params (string Key, string Value)[] settings)
    {
        var environment = EnvironmentSource.From(new Dictionary<string, string> { [VaultMeshPaths.HomeVariable] = _home.Path });
        if (settings.Length > 0)
        {
            File.WriteAllText(Path.Combine(_home.Path, "config.toml"),
                "[profiles.default]\n" + string.Concat(settings.Select(s => $"{s.Key} = \"{s.Value}\"\n")));
        }
        return VaultMeshContext.Resolve(null, environment);
    }

    private void SealOneBatch(VaultMeshContext context)
    {
        using var store = VaultStore.Open(context.DataDirectory);
        new MemoryStore(store, _time).Record(new MemoryDraft { Type = "event", Component = "audit", Version = "1" });
        ProfileLogs.SealerOver(store, _time).Seal();
    }

    [Fact]
    public void A_batch_without_a_final_anchor_is_within_policy_until_max_pending_age_then_fails()
    {
        var context = Context(("audit.max_pending_age", "2h"));
        SealOneBatch(context);
        var audit = new AuditService(context, AuditOptions.FromProfile(context.Settings),
            opened => ProfileServices.LogOver(opened, context), _time);

        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(AuditCheckResult.Pass, audit.Run(["pending-anchors"]).Single().Status);

        _time.Advance(TimeSpan.FromSeconds(1));
        var stale = audit.Run(["pending-anchors"]).Single();
        Assert.Equal(AuditCheckResult.Fail, stale.Status);
        Assert.Contains("audit.max_pending_age", stale.Detail, StringComparison.Ordinal);
        Assert.NotNull(stale.Remedy);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("24h", 86400)]
    [InlineData("7d", 604800)]
    [InlineData("PT1H30M", 5400)]
    public void Max_pending_age_reads_short_and_iso_durations(string text, int seconds)
    {
        var options = AuditOptions.FromProfile(Context(("audit.max_pending_age", text)).Settings);
        Assert.Equal(TimeSpan.FromSeconds(seconds), options.MaxPendingAge);
    }

    [Fact]
    public void A_malformed_max_pending_age_is_a_setting_error_naming_the_key()
    {
        var e = Assert.Throws<VaultMeshException>(() => AuditOptions.FromProfile(Context(("audit.max_pending_age", "-5h")).Settings));
        Assert.Equal(AuditOptions.SettingInvalidErrorId, e.ErrorId);
        Assert.Contains("audit.max_pending_age", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_checks_pass_without_a_store_and_never_create_one()
    {
        var context = Context();
        var results = new AuditService(context, new AuditOptions(),
            opened => ProfileServices.LogOver(opened, context), _time).Run().ToList();
        Assert.Equal(AuditService.CheckNames, results.Select(r => r.Name));
        Assert.Equal(AuditCheckResult.Warn, results[0].Status);
        Assert.False(File.Exists(Path.Combine(context.DataDirectory, VaultStore.FileName)));
    }

    [Fact]
    public void Unknown_check_names_are_refused_before_anything_runs()
    {
        var e = Assert.Throws<VaultMeshException>(() => AuditService.Select(["store", "nope"]));
        Assert.Equal(AuditService.CheckUnknownErrorId, e.ErrorId);
    }

    public void Dispose() => _home.Dispose();
}
