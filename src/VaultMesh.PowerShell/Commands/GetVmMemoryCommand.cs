using System.Management.Automation;
using VaultMesh.Core.Memory;
using VaultMesh.PowerShell.Completion;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmMemory cmdlet; its help is docs/en-US/Get-VmMemory.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmMemory")]
[OutputType(typeof(MemoryRecord))]
public sealed class GetVmMemoryCommand : VaultMeshCmdlet
{
    /// <summary>Memory id (sha256:, 0x or bare hex).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Id { get; set; }

    /// <summary>Component.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MemoryValueCompleter))]
    public string? Component { get; set; }

    /// <summary>Type.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MemoryValueCompleter))]
    public string? Type { get; set; }

    /// <summary>Tag.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MemoryValueCompleter))]
    public string? Tag { get; set; }

    /// <summary>Recorded at or after.</summary>
    [Parameter]
    public DateTimeOffset? Since { get; set; }

    /// <summary>Recorded at or before.</summary>
    [Parameter]
    public DateTimeOffset? Until { get; set; }

    /// <summary>Case-insensitive text in the payload.</summary>
    [Parameter]
    public string? Text { get; set; }

    /// <summary>Only memories of this batch; binds by property name from Get-VmBatch.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BatchIdCompleter))]
    public string? BatchId { get; set; }

    /// <summary>Only memories not yet sealed.</summary>
    [Parameter]
    public SwitchParameter Pending { get; set; }

    /// <summary>At most this many.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? First { get; set; }

    /// <summary>Oldest first.</summary>
    [Parameter]
    public SwitchParameter Oldest { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var query = new MemoryQuery
        {
            Id = Id,
            Component = Component,
            Type = Type,
            Tag = Tag,
            Since = Since,
            Until = Until,
            Text = Text,
            BatchId = BatchId,
            PendingOnly = Pending,
            First = First,
            Ascending = Oldest,
        };
        var found = false;
        foreach (var memory in Services.Memories.Query(query, CancellationToken))
        {
            found = true;
            WriteObject(memory);
        }
        if (!found && Id is not null)
        {
            WriteVmError(MemoryStore.NotFound(Id, Context.Profile));
        }
    }
}
