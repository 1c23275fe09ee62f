using VaultMesh.Core.Cli;

namespace VaultMesh.Core.Tests.Cli;

public class AuditGrammarTests
{
    [Fact]
    public void Audit_replay_binds_the_manifest_and_the_leaves()
    {
        var p = CommandLineParser.Parse(["audit", "replay", "m.json", "--leaves", "l.hex"]);
        Assert.Equal("audit.replay", p.Verb!.Action);
        Assert.Equal("Invoke-VmReplay", p.Verb.Cmdlet);
        Assert.Equal("m.json", p.Parameters["Path"]);
        Assert.Equal("l.hex", p.Parameters["LeafPath"]);
        // The cmdlet reports failure itself (VmReplayFailed), so the result object is not a $false check.
        Assert.False(p.Verb.EnforcedCheck);
    }

    [Fact]
    public void Audit_replay_needs_a_manifest()
    {
        var ex = Assert.Throws<UsageException>(() => CommandLineParser.Parse(["audit", "replay"]));
        Assert.Contains("<manifest>", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_validate_takes_many_files_and_is_an_enforced_check()
    {
        var p = CommandLineParser.Parse(["audit", "validate", "a.json", "b.json"]);
        Assert.Equal("Test-VmReceipt", p.Verb!.Cmdlet);
        Assert.Equal(["a.json", "b.json"], (string[])p.Parameters["Path"]);
        Assert.True(p.Verb.EnforcedCheck);
    }

    [Fact]
    public void Conflict_resolve_takes_many_files_and_always_returns_an_array()
    {
        var p = CommandLineParser.Parse(["conflict", "resolve", "a.json", "b.json", "--format", "table"]);
        Assert.Equal("Resolve-VmConflict", p.Verb!.Cmdlet);
        Assert.Equal(["a.json", "b.json"], (string[])p.Parameters["Path"]);
        Assert.True(p.Verb.Many);
        Assert.Equal(OutputFormat.Table, p.Format);
    }
}
