using System.Management.Automation;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;
using VaultMesh.Core.Memory;
using VaultMesh.PowerShell.Completion;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Add-VmMemory cmdlet; its help is docs/en-US/Add-VmMemory.md.</summary>
[Cmdlet(VerbsCommon.Add, "VmMemory", SupportsShouldProcess = true)]
[OutputType(typeof(MemoryRecord))]
public sealed class AddVmMemoryCommand : VaultMeshCmdlet
{
    private GroupRecorder? _recorder;

    /// <summary>Kind of memory: deployment, decision, artifact, event...</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MemoryValueCompleter))]
    public string Type { get; set; } = "";

    /// <summary>The component concerned.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MemoryValueCompleter))]
    public string Component { get; set; } = "";

    /// <summary>The component's version.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Version { get; set; } = "";

    /// <summary>An artifact file to hash and name; binds FullName from Get-ChildItem.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Payload: a hashtable, PSCustomObject or JSON text.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object? Payload { get; set; }

    /// <summary>Tags; binds Tags too, as memories and JSON documents name them.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Tags")]
    [ArgumentCompleter(typeof(MemoryValueCompleter))]
    public string[] Tag { get; set; } = [];

    /// <summary>Who records it (default: the current user).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Actor { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        string? artifactHash = null;
        string? artifactName = null;
        if (Path is not null)
        {
            var files = ResolveFilePaths(Path);
            if (files.Count != 1)
            {
                if (files.Count > 1)
                {
                    WriteVmError(new VaultMeshException(FileErrorIds.PathAmbiguous, VmErrorKind.InvalidArgument,
                        $"'{Path}' names {files.Count} files; record one artifact per memory " +
                        "(pipe Get-ChildItem instead).", Path));
                }
                return;
            }
            WriteVerbose($"Hashing {files[0]}");
            artifactHash = ArtifactHasher.Hash(files[0], CancellationToken).ToPrefixed();
            artifactName = System.IO.Path.GetFileName(files[0]);
        }
        var draft = new MemoryDraft
        {
            Type = Type,
            Component = Component,
            Version = Version,
            Payload = ToPayload(Payload),
            ArtifactHash = artifactHash,
            ArtifactName = artifactName,
            // Import-Csv gives an empty string for an empty cell: that is a field not given.
            Actor = string.IsNullOrEmpty(Actor) ? Environment.UserName : Actor,
            Tags = Tag.Where(t => !string.IsNullOrEmpty(t)).ToArray(),
        };
        var target = $"{Type} {Component} {Version}" + (artifactName is null ? "" : $" ({artifactName})");
        if (!ShouldProcess(target, "Record memory"))
        {
            return;
        }
        _recorder ??= Services.GroupRecorder();
        Emit(_recorder.Add(draft));
    }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        if (_recorder is not null)
        {
            Emit(_recorder.Flush());
        }
    }

    /// <inheritdoc />
    protected override void OnDispose() => _recorder?.Dispose();

    // Pipeline input is committed in groups (see docs/performance.md); each memory is written out
    // only after the commit that holds it.
    private void Emit(IReadOnlyList<GroupRecordResult> results)
    {
        foreach (var result in results)
        {
            if (result.Memory is not { } memory)
            {
                WriteVmError(result.Error!);
                continue;
            }
            if (memory.Existing)
            {
                WriteVerbose($"Already recorded as {memory.Id}; returning the existing memory.");
            }
            WriteObject(memory);
        }
    }

    private static JsonNode? ToPayload(object? payload)
    {
        var value = payload is PSObject ps ? ps.BaseObject : payload;
        return value switch
        {
            null or "" => null,
            // Text is JSON; parse it strictly so duplicate keys and bad numbers are refused here.
            string json => JsonNode.Parse(CanonicalJson.Canonicalize(json)),
            _ => CanonicalJsonInput.ToNode(payload),
        };
    }
}
