namespace VaultMesh.Core.Spawn;

/// <summary>What a spawn would write: checked before anything touches the disk, shown by -WhatIf.</summary>
public sealed class SpawnPlan
{
    internal SpawnPlan(SpawnRequest request, string root, string target, string templateVersion, IReadOnlyDictionary<string, string> sources)
    {
        Request = request;
        Root = root;
        Target = target;
        TemplateVersion = templateVersion;
        Sources = sources;
    }

    /// <summary>The request.</summary>
    public SpawnRequest Request { get; }
    /// <summary>The folder the component folder goes in.</summary>
    public string Root { get; }
    /// <summary>The component folder.</summary>
    public string Target { get; }
    /// <summary>Version of the template used.</summary>
    public string TemplateVersion { get; }
    /// <summary>Whether the target exists (and will be replaced, since the plan was made with -Force).</summary>
    public bool ReplacesExisting => Directory.Exists(Target);
    /// <summary>Relative target path (tokens replaced) to template source file; overlays override the base.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }
    /// <summary>Every file the spawn writes, relative to <see cref="Target"/>, sorted; the manifest last.</summary>
    public IReadOnlyList<string> Files => [.. Sources.Keys.Order(StringComparer.Ordinal), SpawnManifest.FileName];
}
