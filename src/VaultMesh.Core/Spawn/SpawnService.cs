using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;

namespace VaultMesh.Core.Spawn;

/// <summary>
/// The service forge: plans a component from templates, writes it into a staging folder beside the
/// target and moves it into place only when every file is written, records the spawn as a memory
/// (type <c>spawn</c>, the tree hash as artifact), and lists and describes spawned components from
/// the same root. A failure part-way leaves nothing behind; see docs/spawn.md.
/// </summary>
public sealed class SpawnService
{
    /// <summary>Memory type of spawn records.</summary>
    public const string MemoryType = "spawn";

    private readonly SpawnTemplates _templates;
    private readonly TimeProvider _time;

    /// <summary>Creates the forge over a template catalog.</summary>
    public SpawnService(SpawnTemplates templates, TimeProvider? time = null)
    {
        _templates = templates;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Checks the request (name, type, options, target) and lists what it would write; writes nothing.</summary>
    public SpawnPlan Plan(SpawnRequest request, string root)
    {
        var name = SpawnName.Validate(request.Name);
        var (folders, version) = _templates.Resolve(request);
        var target = Path.Combine(Path.GetFullPath(root), name);
        if ((Directory.Exists(target) || File.Exists(target)) && !request.Force)
        {
            throw new VaultMeshException(SpawnErrorIds.TargetExists, VmErrorKind.AlreadyExists,
                $"'{target}' already exists; nothing was written. Use -Force (--force) to replace it.", target);
        }
        var pascal = SpawnName.ToPascal(name);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                var relative = Substitute(Path.GetRelativePath(folder, file).Replace('\\', '/'), name, pascal);
                sources[relative] = file;
            }
        }
        return new SpawnPlan(request, Path.GetFullPath(root), target, version, sources);
    }

    /// <summary>
    /// Writes the plan, then records it in <paramref name="memories"/> (when given). On any failure
    /// the staging folder is removed and a replaced target restored, and the error is rethrown
    /// (I/O errors as <c>VmSpawnFailed</c>).
    /// </summary>
    public SpawnRecord Create(SpawnPlan plan, MemoryStore? memories, string? actor, CancellationToken cancellationToken = default)
    {
        var request = plan.Request;
        var rootCreated = !Directory.Exists(plan.Root);
        var staging = Path.Combine(plan.Root, $".spawn-{request.Name}-{Guid.NewGuid():N}");
        string? backup = null;
        var placed = false;
        try
        {
            Directory.CreateDirectory(staging);
            var pascal = SpawnName.ToPascal(request.Name);
            foreach (var (relative, source) in plan.Sources)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var destination = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.WriteAllText(destination, Substitute(File.ReadAllText(source, Encoding.UTF8), request.Name, pascal), new UTF8Encoding(false));
            }
            var treeHash = TreeHash.Compute(staging, cancellationToken).ToPrefixed();
            var manifest = new SpawnManifest(request.Name, request.Type, request.WithMcp, request.WithMq,
                plan.TemplateVersion, _time.GetUtcNow(), treeHash, null);
            File.WriteAllText(Path.Combine(staging, SpawnManifest.FileName), manifest.ToJson());

            if (Directory.Exists(plan.Target) || File.Exists(plan.Target))
            {
                backup = staging + ".replaced";
                Directory.Move(plan.Target, backup);
            }
            Directory.Move(staging, plan.Target);
            placed = true;
            if (memories is not null)
            {
                var memory = memories.Record(new MemoryDraft
                {
                    Type = MemoryType,
                    Component = request.Name,
                    Version = plan.TemplateVersion,
                    ArtifactHash = treeHash,
                    ArtifactName = request.Name,
                    Payload = new JsonObject
                    {
                        ["type"] = request.Type,
                        ["withMcp"] = request.WithMcp,
                        ["withMq"] = request.WithMq,
                        ["path"] = plan.Target,
                        ["files"] = plan.Sources.Count,
                    },
                    Actor = actor,
                    Tags = [MemoryType, request.Type],
                });
                manifest = manifest with { MemoryId = memory.Id };
                File.WriteAllText(Path.Combine(plan.Target, SpawnManifest.FileName), manifest.ToJson());
            }
            if (backup is not null)
            {
                Directory.Delete(backup, recursive: true);
                backup = null;
            }
            return Read(plan.Target, manifest);
        }
        catch (Exception ex)
        {
            RollBack(plan, staging, backup, placed, rootCreated);
            if (ex is IOException or UnauthorizedAccessException)
            {
                throw new VaultMeshException(SpawnErrorIds.Failed, VmErrorKind.ResourceUnavailable,
                    $"Spawning '{request.Name}' into '{plan.Target}' failed: {ex.Message}. Nothing was left behind.", plan.Target, ex);
            }
            throw;
        }
    }

    /// <summary>Every spawned component under <paramref name="root"/> (folders with a manifest), by name.</summary>
    public static IEnumerable<SpawnRecord> List(string root)
    {
        if (!Directory.Exists(root))
        {
            yield break;
        }
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (!Path.GetFileName(folder).StartsWith('.') && File.Exists(Path.Combine(folder, SpawnManifest.FileName)))
            {
                yield return Read(folder, SpawnManifest.Read(folder));
            }
        }
    }

    /// <summary>The spawned component <paramref name="name"/> under <paramref name="root"/>; <c>VmSpawnNotFound</c> when absent.</summary>
    public static SpawnRecord Describe(string root, string name)
    {
        var folder = Path.Combine(root, SpawnName.Validate(name));
        if (!File.Exists(Path.Combine(folder, SpawnManifest.FileName)))
        {
            throw new VaultMeshException(SpawnErrorIds.NotFound, VmErrorKind.NotFound,
                $"No spawned component '{name}' under '{root}' (no {SpawnManifest.FileName} in '{folder}').", name);
        }
        return Read(folder, SpawnManifest.Read(folder));
    }

    private static SpawnRecord Read(string folder, SpawnManifest manifest) =>
        new(manifest, folder, TreeHash.Files(folder), TreeHash.Compute(folder).ToPrefixed());

    private static string Substitute(string text, string name, string pascal) =>
        text.Replace("__NAME__", name, StringComparison.Ordinal).Replace("__PASCAL__", pascal, StringComparison.Ordinal);

    private static void RollBack(SpawnPlan plan, string staging, string? backup, bool placed, bool rootCreated)
    {
        // Best effort: the original error is what the caller needs to see.
        try
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
            if (placed && Directory.Exists(plan.Target))
            {
                Directory.Delete(plan.Target, recursive: true);
            }
            if (backup is not null && Directory.Exists(backup))
            {
                Directory.Move(backup, plan.Target);
            }
            if (rootCreated && Directory.Exists(plan.Root) && !Directory.EnumerateFileSystemEntries(plan.Root).Any())
            {
                Directory.Delete(plan.Root);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
