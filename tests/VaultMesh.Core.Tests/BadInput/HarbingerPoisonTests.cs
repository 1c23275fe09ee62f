using System.Text;
using System.Text.Json;
using VaultMesh.Core.Harbinger;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.BadInput;

/// <summary>A timer-driven intake never stops on one bad file: it quarantines it with a reason and carries on.</summary>
public sealed class HarbingerPoisonTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly VaultStore _store;
    private readonly HarbingerOptions _options;

    public HarbingerPoisonTests()
    {
        _store = VaultStore.Open(_dir.File("data"));
        _options = HarbingerOptions.ForDataDirectory(_dir.File("data"));
        Directory.CreateDirectory(_options.Inbox);
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private void Drop(string name, string text) => File.WriteAllText(Path.Combine(_options.Inbox, name), text, new UTF8Encoding(false));

    private static string Event(int i) => "{\"type\":\"deploy\",\"component\":\"api\",\"version\":\"1." + i + "\",\"payload\":{\"n\":" + i + "}}";

    public static TheoryData<string, string> Poisons => new()
    {
        { "payload nested 64 deep", "{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"payload\":" + BadJson.Arrays(64) + "}" },
        { "document nested 65 deep", BadJson.Arrays(65) },
        { "payload 62 deep inside 3 more", "{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"payload\":{\"a\":" + BadJson.Arrays(62) + "}}" },
        { "lone surrogate", "{\"type\":\"t\\ud800\",\"component\":\"c\",\"version\":\"1\"}" },
        { "number beyond double", "{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"payload\":1e400}" },
    };

    [Theory]
    [MemberData(nameof(Poisons))]
    public void A_poisoned_file_first_in_an_inbox_of_many_is_quarantined_with_a_reason_and_the_rest_are_recorded(string what, string poison)
    {
        Drop("000-poison.json", poison);
        for (var i = 1; i <= 24; i++)
        {
            Drop($"{i:000}-event.json", Event(i));
        }

        var result = new HarbingerIntake(new MemoryStore(_store), _options).Run();

        Assert.True(result.Recorded == 24, what);
        Assert.Equal(1, result.Quarantined);
        Assert.Empty(Directory.EnumerateFiles(_options.Inbox));
        var poisoned = result.Files[0];
        Assert.Equal(HarbingerOutcome.Quarantined, poisoned.Outcome);
        Assert.Equal(HarbingerErrorIds.Invalid, poisoned.ErrorId);
        Assert.True(File.Exists(poisoned.MovedTo));
        using var reason = JsonDocument.Parse(File.ReadAllBytes(poisoned.ReasonPath!));
        Assert.Equal("000-poison.json", reason.RootElement.GetProperty("file").GetString());
        Assert.False(string.IsNullOrEmpty(reason.RootElement.GetProperty("message").GetString()));
        Assert.Equal(poisoned.Reason, reason.RootElement.GetProperty("reason").GetString());
    }
}
