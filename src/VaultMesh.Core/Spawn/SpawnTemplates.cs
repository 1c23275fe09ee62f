using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Spawn;

/// <summary>
/// Where templates come from: the folders the profile names in <c>spawn.templates</c> (first match
/// wins, so a profile can override a built-in type or add its own), then the module's built-in
/// folder. Each holds one sub-folder per type (<c>service</c>, <c>infra</c>, <c>tool</c>) and per
/// overlay (<c>mcp</c>, <c>mq-rabbitmq</c>, <c>mq-nats</c>); files and paths carry the tokens
/// <c>__NAME__</c> and <c>__PASCAL__</c>.
/// </summary>
public sealed class SpawnTemplates
{
    /// <summary>Overlay folder of the MCP server scaffold.</summary>
    public const string McpOverlay = "mcp";

    /// <summary>The message-queue kinds <c>--with-mq</c> accepts.</summary>
    public static IReadOnlyList<string> MqKinds { get; } = ["rabbitmq", "nats"];

    // Types without a C# project to extend: overlays do not apply.
    private static readonly string[] NoOverlayTypes = ["infra"];

    private readonly IReadOnlyList<(string Root, bool BuiltIn)> _roots;

    /// <summary>Creates the catalog; profile folders must exist (<c>VmSpawnTemplateMissing</c> otherwise).</summary>
    public SpawnTemplates(string builtInRoot, IEnumerable<string> profileRoots)
    {
        var roots = new List<(string, bool)>();
        foreach (var root in profileRoots)
        {
            if (!Directory.Exists(root))
            {
                throw new VaultMeshException(SpawnErrorIds.TemplateMissing, VmErrorKind.NotFound,
                    $"Template folder '{root}' named in the profile's spawn.templates does not exist.", root);
            }
            roots.Add((Path.GetFullPath(root), false));
        }
        if (!Directory.Exists(builtInRoot))
        {
            throw new VaultMeshException(SpawnErrorIds.TemplateMissing, VmErrorKind.NotFound,
                $"The module's built-in template folder '{builtInRoot}' is missing; reinstall the module.", builtInRoot);
        }
        roots.Add((Path.GetFullPath(builtInRoot), true));
        _roots = roots;
    }

    /// <summary>Every type some template folder provides, sorted.</summary>
    public IReadOnlyList<string> Types => _roots
        .SelectMany(r => Directory.EnumerateDirectories(r.Root).Select(Path.GetFileName))
        .OfType<string>()
        .Where(n => n != McpOverlay && !n.StartsWith("mq-", StringComparison.Ordinal) && !n.StartsWith('.'))
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// The folders to copy for <paramref name="request"/>, base first then overlays, and the template
    /// version. Throws for an unknown type or an option the type does not take.
    /// </summary>
    public (IReadOnlyList<string> Folders, string Version) Resolve(SpawnRequest request)
    {
        if (!Types.Contains(request.Type, StringComparer.Ordinal))
        {
            throw new VaultMeshException(SpawnErrorIds.TypeUnknown, VmErrorKind.InvalidArgument,
                $"Spawn type '{request.Type}' is unknown; known types: {string.Join(", ", Types)}.", request.Type);
        }
        var (folder, builtIn) = Find(request.Type)!.Value;
        var folders = new List<string> { folder };
        var overlays = new List<string>();
        if (request.WithMcp)
        {
            overlays.Add(McpOverlay);
        }
        if (request.WithMq is not null)
        {
            if (!MqKinds.Contains(request.WithMq, StringComparer.Ordinal))
            {
                throw new VaultMeshException(SpawnErrorIds.OptionUnsupported, VmErrorKind.InvalidArgument,
                    $"--with-mq expects {string.Join(" or ", MqKinds)}, not '{request.WithMq}'.", request.WithMq);
            }
            overlays.Add("mq-" + request.WithMq);
        }
        if (overlays.Count > 0 && NoOverlayTypes.Contains(request.Type, StringComparer.Ordinal))
        {
            throw new VaultMeshException(SpawnErrorIds.OptionUnsupported, VmErrorKind.InvalidArgument,
                $"Spawn type '{request.Type}' has no C# project; --with-mcp and --with-mq apply to service and tool.", request.Type);
        }
        foreach (var overlay in overlays)
        {
            var found = Find(overlay) ?? throw new VaultMeshException(SpawnErrorIds.TemplateMissing, VmErrorKind.NotFound,
                $"No template folder provides the '{overlay}' overlay.", overlay);
            folders.Add(found.Folder);
        }
        return (folders, builtIn ? "builtin-" + VersionInfo.Product : "custom-" + CustomVersion(folder));
    }

    private static string CustomVersion(string folder)
    {
        try
        {
            return TreeHash.Compute(folder).ToHex()[..12];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException(SpawnErrorIds.TemplateMissing, VmErrorKind.ResourceUnavailable,
                $"Template folder '{folder}' cannot be read: {ex.Message}", folder, ex);
        }
    }

    private (string Folder, bool BuiltIn)? Find(string name)
    {
        foreach (var (root, builtIn) in _roots)
        {
            var folder = Path.Combine(root, name);
            if (Directory.Exists(folder))
            {
                return (folder, builtIn);
            }
        }
        return null;
    }
}
