using VaultMesh.Core.Cli;

namespace VaultMesh.Core.Tests.Cli;

public class FederationGrammarTests
{
    [Fact]
    public void Two_word_peer_verbs_bind_their_arguments_and_options()
    {
        var p = CommandLineParser.Parse(["federation", "peers", "add", "a", "did:key:z6Mk", "http://127.0.0.1:1/", "--weight", "2", "--profile", "lab"]);
        Assert.Equal("Add-VmPeer", p.Verb!.Cmdlet);
        Assert.Equal("federation.peers.add", p.Verb.Action);
        Assert.Equal("a", p.Parameters["Name"]);
        Assert.Equal("did:key:z6Mk", p.Parameters["Did"]);
        Assert.Equal("http://127.0.0.1:1/", p.Parameters["Endpoint"]);
        Assert.Equal(2L, p.Parameters["Weight"]);
        Assert.Equal("Get-VmPeer", CommandLineParser.Parse(["federation", "peers", "list"]).Verb!.Cmdlet);
        Assert.Equal("Remove-VmPeer", CommandLineParser.Parse(["federation", "peers", "remove", "a"]).Verb!.Cmdlet);
    }

    [Fact]
    public void Guardian_run_is_the_default_verb_and_federation_verbs_map_to_their_cmdlets()
    {
        var run = CommandLineParser.Parse(["guardian", "--listen", "127.0.0.1:9110"]);
        Assert.Equal("Start-VmGuardian", run.Verb!.Cmdlet);
        Assert.Equal("127.0.0.1:9110", run.Parameters["Listen"]);
        Assert.Equal("New-VmIdentity", CommandLineParser.Parse(["federation", "identity", "--force"]).Verb!.Cmdlet);
        Assert.Equal("Sync-VmFederation", CommandLineParser.Parse(["federation", "sync", "a", "b"]).Verb!.Cmdlet);
        Assert.Equal("Get-VmQuarantine", CommandLineParser.Parse(["federation", "quarantine"]).Verb!.Cmdlet);
    }

    [Fact]
    public void Quarantine_release_is_a_two_word_verb_beside_quarantine_and_takes_the_peer_and_a_reason()
    {
        var release = CommandLineParser.Parse(["federation", "quarantine", "release", "b", "--reason", "forked in a lab"]);
        Assert.Equal("Remove-VmQuarantine", release.Verb!.Cmdlet);
        Assert.Equal("b", release.Parameters["Name"]);
        Assert.Equal("forked in a lab", release.Parameters["Reason"]);
        var list = CommandLineParser.Parse(["federation", "quarantine", "b", "--include-released"]);
        Assert.Equal("Get-VmQuarantine", list.Verb!.Cmdlet);
        Assert.Equal("b", list.Parameters["Name"]);
        Assert.Equal("Missing argument <peer>", Assert.Throws<UsageException>(() => CommandLineParser.Parse(["federation", "quarantine", "release"])).Message[..23]);
    }

    [Fact]
    public void A_lone_peers_word_is_a_usage_error_naming_the_verbs()
    {
        var ex = Assert.Throws<UsageException>(() => CommandLineParser.Parse(["federation", "peers"]));
        Assert.Contains("peers add", ex.Message, StringComparison.Ordinal);
    }
}
