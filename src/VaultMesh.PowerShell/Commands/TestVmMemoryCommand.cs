using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Test-VmMemory cmdlet; its help is docs/en-US/Test-VmMemory.md.</summary>
[Cmdlet(VerbsDiagnostic.Test, "VmMemory")]
[OutputType(typeof(bool), typeof(MemoryVerification))]
public sealed class TestVmMemoryCommand : VaultMeshCmdlet
{
    /// <summary>The memory id; binds from Get-VmMemory output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    /// <summary>The artifact file to re-hash and compare.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Return each check instead of a boolean.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    // One per invocation: the memories of a pipeline mostly share a batch, its checkpoint and their
    // receipts, which are then read once instead of once a memory.
    private MemoryVerificationCache? _cache;

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var memory = Services.Memories.Require(Id, Context.Profile);
        string? artifact = null;
        if (Path is not null)
        {
            artifact = GetUnresolvedProviderPathFromPSPath(Path);
        }
        var result = MemoryVerifier.Verify(memory, Services.Batches, Services.Log, artifact, Services.Anchors,
            _cache ??= new MemoryVerificationCache(), CancellationToken);
        foreach (var check in result.Checks)
        {
            WriteVerbose($"{check.Name}: {(check.Passed is null ? "n/a" : check.Passed.Value ? "ok" : "FAILED")} - {check.Detail}");
        }
        WriteObject(Detailed ? result : result.Valid);
    }
}
