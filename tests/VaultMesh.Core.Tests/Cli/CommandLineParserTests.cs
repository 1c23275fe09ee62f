using System.Text.Json;
using VaultMesh.Core.Cli;

namespace VaultMesh.Core.Tests.Cli;

public class CommandLineParserTests
{
    private static ParsedCommandLine Parse(params string[] args) => CommandLineParser.Parse(args);

    [Fact]
    public void Global_options_are_accepted_in_any_position()
    {
        var after = Parse("status", "show", "--format", "table", "--profile", "lab");
        var before = Parse("--profile", "lab", "--format", "table", "status", "show");
        var between = Parse("status", "--profile=lab", "show", "--format=TABLE");
        foreach (var p in new[] { after, before, between })
        {
            Assert.Equal("status.show", p.Verb!.Action);
            Assert.Equal("lab", p.Profile);
            Assert.Equal(OutputFormat.Table, p.Format);
            Assert.Equal("lab", p.Parameters["Profile"]);
        }
    }

    [Fact]
    public void Json_is_the_default_format_and_the_default_verb_applies()
    {
        var p = Parse("status");
        Assert.Equal("status.show", p.Verb!.Action);
        Assert.Equal(OutputFormat.Json, p.Format);
        Assert.Null(p.Profile);
    }

    [Fact]
    public void Verb_options_bind_typed_values()
    {
        var p = Parse("configure", "set", "--region", "eu", "--federation-endpoint", "a,b", "--federation-endpoint", "c",
            "--verify-enforce", "off", "--set", "rails.tsa.url=http://x=y", "--default");
        Assert.Equal("Set-VmConfiguration", p.Verb!.Cmdlet);
        Assert.Equal("eu", p.Parameters["Region"]);
        Assert.Equal(new[] { "a", "b", "c" }, p.Parameters["FederationEndpoint"]);
        Assert.Equal(false, p.Parameters["VerifyEnforce"]);
        Assert.Equal(true, p.Parameters["Default"]);
        Assert.Equal("http://x=y", ((Dictionary<string, string>)p.Parameters["Setting"])["rails.tsa.url"]);
    }

    [Fact]
    public void Harbinger_run_binds_the_inbox_and_legacy_options()
    {
        var inbox = Parse("harbinger", "run", "--inbox", "/srv/in");
        Assert.Equal("Import-VmMemory", inbox.Verb!.Cmdlet);
        Assert.Equal("/srv/in", inbox.Parameters["Inbox"]);
        var legacy = Parse("harbinger", "--legacy-database", "old.db", "--expected-legacy-root", "ab");
        Assert.Equal("harbinger.run", legacy.Verb!.Action);
        Assert.Equal("old.db", legacy.Parameters["LegacyDatabase"]);
        Assert.Equal("ab", legacy.Parameters["ExpectedLegacyRoot"]);
    }

    [Fact]
    public void Options_right_after_a_domain_with_a_default_verb_select_it()
    {
        var p = Parse("configure", "--region", "eu");
        Assert.Equal("configure.set", p.Verb!.Action);
        Assert.Equal("eu", p.Parameters["Region"]);
    }

    [Theory]
    [InlineData(new[] { "nosuch" }, "Valid domains: status, ")]
    [InlineData(new[] { "status", "explode" }, "Valid verbs: show")]
    [InlineData(new[] { "status", "show", "--bogus" }, "Valid options:")]
    [InlineData(new[] { "status", "show", "--format", "xml" }, "Valid formats: json, table")]
    [InlineData(new[] { "status", "show", "--profile" }, "needs a value")]
    [InlineData(new[] { "configure", "set", "--verify-enforce", "perhaps" }, "1/true/yes/on")]
    [InlineData(new[] { "configure", "set", "--set", "novalue" }, "key=value")]
    [InlineData(new[] { "status", "show", "extra" }, "Unexpected argument 'extra'")]
    [InlineData(new[] { "--bogus", "status" }, "Global options: --profile, --format, --help")]
    public void Usage_errors_list_the_valid_choices(string[] args, string expected)
    {
        var ex = Assert.Throws<UsageException>(() => CommandLineParser.Parse(args));
        Assert.Equal("VmUsage", ex.ErrorId);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void An_unknown_domain_lists_every_domain()
    {
        var ex = Assert.Throws<UsageException>(() => CommandLineParser.Parse(["nosuch"]));
        Assert.Contains("Valid domains: " + string.Join(", ", CommandGrammar.Domains.Select(d => d.Name)), ex.Message);
    }

    [Fact]
    public void Help_describes_the_grammar_domain_and_verb()
    {
        Assert.Contains("usage: vm <domain> <verb>", Parse().HelpText);
        Assert.Contains("configure", Parse("help").HelpText);
        var domain = Parse("configure", "--help").HelpText!;
        Assert.Contains("set ", domain);
        Assert.Contains("(default)", domain);
        var verb = Parse("configure", "set", "-h").HelpText!;
        Assert.Contains("--federation-endpoint <url>", verb);
        Assert.Contains("Set-VmConfiguration", verb);
        Assert.Null(Parse("status", "--help").Verb);
    }

    [Fact]
    public void Every_verb_names_a_verb_noun_cmdlet_and_unique_options()
    {
        foreach (var d in CommandGrammar.Domains)
        {
            Assert.Contains(d.DefaultVerb ?? d.Verbs[0].Verb, d.Verbs.Select(v => v.Verb));
            foreach (var v in d.Verbs)
            {
                Assert.Matches("^[A-Z][a-z]+-Vm[A-Za-z]+$", v.Cmdlet);
                var names = v.Options.Select(o => o.Name).Concat(CommandGrammar.GlobalOptions.Select(o => o.Name)).ToList();
                Assert.Equal(names.Count, names.Distinct().Count());
            }
        }
    }

    [Fact]
    public void The_envelope_has_action_ok_utc_timestamp_and_data()
    {
        var json = Envelope.Render("status.show", true, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            new { Profile = "lab", Count = 2 }, [], []);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("status.show", root.GetProperty("action").GetString());
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal("2026-01-02T01:04:05.000Z", root.GetProperty("timestamp").GetString());
        Assert.Equal("lab", root.GetProperty("data").GetProperty("profile").GetString());
        Assert.False(root.TryGetProperty("errors", out _));

        var failed = Envelope.Render("x.y", false, DateTimeOffset.UnixEpoch, null, ["careful"], [new EnvelopeError("VmThing", "broke", "InvalidData", "t")]);
        using var f = JsonDocument.Parse(failed);
        Assert.False(f.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, f.RootElement.GetProperty("data").ValueKind);
        Assert.Equal("VmThing", f.RootElement.GetProperty("errors")[0].GetProperty("id").GetString());
        Assert.Equal("careful", f.RootElement.GetProperty("warnings")[0].GetString());
    }

    [Theory]
    [InlineData("a..b=1")]
    [InlineData(".x=1")]
    [InlineData("x.=1")]
    public void A_set_key_with_an_empty_part_is_a_usage_error_with_the_verb_usage(string pair)
    {
        var ex = Assert.Throws<UsageException>(() => Parse("configure", "set", "--set", pair));
        Assert.Equal("VmUsage", ex.ErrorId);
        Assert.Contains(pair[..pair.IndexOf('=')], ex.Message, StringComparison.Ordinal);
        Assert.Contains("Usage: vm configure set", ex.Message, StringComparison.Ordinal);
    }
}
