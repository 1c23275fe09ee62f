using System.Collections.Concurrent;
using System.Text;
using CsCheck;
using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Cli;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Harbinger;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Replay;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Spawn;
using VaultMesh.Core.Tests.ProofBundles;
using Xunit.Abstractions;

namespace VaultMesh.Core.Tests.BadInput;

/// <summary>
/// Mutated input for every parser of the core, bounded by sample count: only a result or a
/// VaultMesh error may come out. Failures are gathered by parser and exception type, so one run
/// names every class of failure at once.
/// </summary>
public sealed class ParserFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Samples = 250;

    private static readonly ReceiptValidator Validator = new();
    private static readonly HarbingerOptions Harbinger = HarbingerOptions.ForDataDirectory(Path.Combine(Path.GetTempPath(), "vm-fuzz-unused"));
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentDictionary<string, (int Count, string Example)> _failures = new(StringComparer.Ordinal);
    private readonly TempDirectory _dir = new();
    private int _cases;

    public void Dispose() => _dir.Dispose();

    private const string Event = """{"type":"deploy","component":"api","version":"1.2.3","payload":{"region":"eu","n":1,"deep":[[1,2],{"x":null}]},"artifactHash":"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","actor":"ci","tags":["prod"],"timestamp":"2026-03-01T11:00:00Z"}""";

    private const string Config = "# notes\ndefault_profile = \"lab\"\n\n[profiles.lab]\nregion = \"eu\"\ndata_dir = \"data/lab\"\nfederation_endpoints = [\"https://a\", \"https://b\"]\n\n[profiles.lab.rails.tsa]\nurl = \"http://127.0.0.1:9\"\n";

    private void Run(string parser, string seed, Action<string> parse) =>
        Gen.Int.Sample(n => Check(parser, Mutator.Mutate(seed, n), parse), iter: Samples);

    private void Check(string parser, string input, Action<string> parse)
    {
        Interlocked.Increment(ref _cases);
        try
        {
            parse(input);
        }
        catch (VaultMeshException)
        {
            // A VaultMesh error with its id is the expected way to refuse bad input.
        }
        catch (Exception ex)
        {
            var example = input.Length > 160 ? input[..160] + "..." : input;
            _failures.AddOrUpdate($"{parser}: {ex.GetType().Name}", _ => (1, $"{ex.Message} <- {example}"), (_, v) => (v.Count + 1, v.Example));
        }
    }

    private void AssertNoFailures()
    {
        output.WriteLine($"{_cases} cases");
        var classes = _failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} x{f.Value.Count}: {f.Value.Example}").ToList();
        Assert.True(classes.Count == 0, $"{classes.Count} class(es) of raw exceptions in {_cases} cases:\n" + string.Join("\n", classes));
    }

    private static void Invalid(ProofBundleVerification result)
    {
        if (result.Valid)
        {
            throw new InvalidOperationException("a bundle with two byte order marks verified");
        }
    }

    [Fact]
    public void Json_readers_give_only_results_or_vaultmesh_errors()
    {
        var receipt = BadJson.Receipt();
        var manifest = BadJson.Manifest();
        string bundle, tlogProof, checkpoint;
        byte[] entry;
        NoteVerifierKey vkey;
        using (var s = new SealedStore(3))
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(ProofBundleWriter.Create(s.Get(1), s.Batches, s.Sealer.Log))!;
            node["anchors"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse(BadJson.Receipt("tsa-verified.json")));
            bundle = node.ToJsonString();
            tlogProof = File.ReadAllText(ProofBundleWriter.WriteFile(s.Get(1), s.Batches, s.Sealer.Log, s.Dir.File("b.proof.json"), overwrite: false).TlogProofPath!);
            entry = Encoding.UTF8.GetBytes((string)node["leaf"]!["jcs"]!);
            vkey = s.Sealer.Log.VerifierKey;
            checkpoint = s.Sealer.Log.GetCheckpoint()!.Note;
        }

        Run("CanonicalJson", Event, text => CanonicalJson.Canonicalize(text));
        Run("ReceiptValidator", receipt, text => Validator.Validate(text));
        Run("ReceiptReader", receipt, text => ReceiptReader.Read(text, "<json>", Validator));
        Run("ReceiptValidator(manifest)", manifest, text => Validator.Validate(text));
        Run("ProofBundleVerifier", bundle, text => ProofBundleVerifier.Verify(text));
        Run("ProofBundleVerifier(utf8)", bundle, text => ProofBundleVerifier.VerifyUtf8(JcsDocument.ToUtf8(text)));
        // Two byte order marks: the first is skipped, and the second once reached the parser as a raw JsonReaderException.
        Check("ProofBundleVerifier(two BOMs)", "\uFEFF\uFEFF" + bundle, text => Invalid(ProofBundleVerifier.VerifyUtf8(Encoding.UTF8.GetBytes(text), vkey: vkey)));
        Check("ProofBundleVerifier(two BOMs, text)", "\uFEFF\uFEFF" + bundle, text => Invalid(ProofBundleVerifier.Verify(text, vkey: vkey)));
        Run("TlogProofVerifier", tlogProof, text => TlogProofVerifier.Verify(text, entry, vkey));
        Run("CheckpointVerifier", checkpoint, text => CheckpointVerifier.Verify(text, vkey));
        Run("ReplayService", manifest, text => new ReplayService().Replay(text, "manifest.json", new ReplayOptions { Enforce = false }));
        Run("ReplayLeaves", Event + "\n" + Event.Replace("1.2.3", "2", StringComparison.Ordinal), text =>
            new ReplayService().Replay(manifest, "manifest.json", new ReplayOptions { Leaves = text }));
        Run("HarbingerEventReader", Event, text => HarbingerEventReader.Read(JcsDocument.ToUtf8(text), Harbinger, Now));
        Run("MemoryContent", Event, text =>
        {
            var (draft, _) = HarbingerEventReader.Read(Encoding.UTF8.GetBytes(CanonicalJson.Canonicalize(text)), Harbinger, Now);
            if (draft is not null)
            {
                MemoryContent.Normalise(draft);
            }
        });
        AssertNoFailures();
    }

    // Every file reader gets its valid seed behind one, two and three UTF-8 byte order marks.
    private void RunFile(string reader, string seed, Action<string> read)
    {
        for (var boms = 1; boms <= 3; boms++)
        {
            var path = _dir.File($"{reader}.{boms}.bom");
            File.WriteAllBytes(path, [.. Enumerable.Repeat<byte[]>([0xEF, 0xBB, 0xBF], boms).SelectMany(b => b), .. Encoding.UTF8.GetBytes(seed)]);
            Check(reader, $"{boms} BOM(s) + {reader} seed", _ => read(path));
        }
    }

    [Fact]
    public void File_readers_give_only_results_or_vaultmesh_errors_behind_repeated_byte_order_marks()
    {
        var manifestPath = _dir.File("manifest.json");
        File.WriteAllText(manifestPath, BadJson.Manifest());
        string bundle;
        using (var s = new SealedStore(3))
        {
            bundle = ProofBundleWriter.Create(s.Get(1), s.Batches, s.Sealer.Log);
        }
        var leaves = Event + "\n" + Event.Replace("1.2.3", "2", StringComparison.Ordinal) + "\n";

        RunFile("ReceiptReader.ReadFile", BadJson.Receipt(), path => ReceiptReader.ReadFile(path, Validator));
        RunFile("ReplayService.ReplayFile(manifest)", BadJson.Manifest(), path => new ReplayService().ReplayFile(path, enforce: false));
        RunFile("ReplayService.ReplayFile(leaves)", leaves, path => new ReplayService().ReplayFile(manifestPath, path, enforce: false));
        RunFile("HarbingerEventReader(file)", Event, path => HarbingerEventReader.Read(File.ReadAllBytes(path), Harbinger, Now));
        RunFile("ConfigDocument.Load", Config, path => ConfigDocument.Load(path));
        RunFile("ProofBundleVerifier.VerifyFile", bundle, path => ProofBundleVerifier.VerifyFile(path));
        RunFile("SpawnManifest.Read", $$"""{"schema":"{{SpawnManifest.Schema}}","name":"api"}""", path =>
        {
            var folder = _dir.File("spawn-" + Path.GetFileName(path));
            Directory.CreateDirectory(folder);
            File.Copy(path, Path.Combine(folder, SpawnManifest.FileName), overwrite: true);
            SpawnManifest.Read(folder);
        });
        RunFile("EvmKeySource.FromFile", "0x" + new string('1', 64), path => EvmKeySource.FromFile(path).ReadAddress());
        AssertNoFailures();
    }

    [Fact]
    public void The_configuration_loader_and_writer_give_only_vaultmesh_errors()
    {
        var path = _dir.File("config.toml");
        Gen.Int.Sample(n => Check("ConfigDocument", Mutator.MutateToml(Config, n), text => ConfigDocument.Parse(path, true, text)), iter: Samples);

        object?[] values = [1L, "x", true, 2.5, double.NaN, 1.5m, 'c', DateTime.UnixEpoch, new System.Collections.Hashtable(), new[] { "a", "b" }, new object[] { 1L, new object() }, null, "a\0b", ""];
        string[] keys = ["region", "data_dir", "a..b", "", ".x", "x.", "rails.tsa.url", "a.b.c", "\"q\"", "x y", "profiles", "a\0b"];
        Gen.Select(Gen.Int[0, keys.Length - 1], Gen.Int[0, values.Length - 1], Gen.Int[0, 9]).Sample((k, v, p) =>
        {
            var file = _dir.File($"w{Environment.CurrentManagedThreadId}.toml");
            string[] profiles = ["lab", "bad name", "", "x.y", "ok-1", "lab", "lab", "lab", "lab", "lab"];
            Check("ConfigWriter", $"{keys[k]}={values[v]} in {profiles[p]}", _ =>
                ConfigWriter.Write(file, profiles[p], new Dictionary<string, object?> { [keys[k]] = values[v] }));
        }, iter: Samples);
        AssertNoFailures();
    }

    [Fact]
    public void The_vm_grammar_gives_only_parses_or_usage_errors()
    {
        string[] words =
        [
            "status", "show", "memory", "record", "query", "seal", "export-proof", "configure", "set", "audit", "replay", "anchor", "harbinger", "run",
            "--first", "0", "-1", "99999999999", "--max-items", "--since", "not-a-date", "--set", "a..b=1", "=", "=x", "--", "--profile", "bad name",
            "--format", "xml", "--help", "-h", "--type", "--payload", "{", "--verify-enforce", "maybe", "--path", "", " ", "\0", "--=", "---x",
        ];
        Gen.Int[0, words.Length - 1].Array[0, 8].Sample(picks =>
            Check("CommandLineParser", string.Join(' ', picks.Select(i => words[i])), _ => CommandLineParser.Parse(picks.Select(i => words[i]).ToArray())),
            iter: Samples * 2);
        AssertNoFailures();
    }
}
