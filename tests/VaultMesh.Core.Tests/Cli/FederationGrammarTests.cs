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
    public void A_lone_peers_word_is_a_usage_error_naming_the_verbs()
    {
        var ex = Assert.Throws<UsageException>(() => CommandLineParser.Parse(["federation", "peers"]));
        Assert.Contains("peers add", ex.Message, StringComparison.Ordinal);
    }
}
