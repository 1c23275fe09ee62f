using System.Management.Automation;
using VaultMesh.Core.Federation;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmQuarantine cmdlet; its help is docs/en-US/Get-VmQuarantine.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmQuarantine")]
[OutputType(typeof(QuarantineRecord))]
public sealed class GetVmQuarantineCommand : VaultMeshCmdlet
{
    /// <summary>Only evidence of the peer with this name (wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Also evidence whose quarantine an operator released (see Remove-VmQuarantine).</summary>
    [Parameter]
    public SwitchParameter IncludeReleased { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var pattern = WildcardFilter.Create(Name, nameof(Name));
        foreach (var record in Services.Federation.GetQuarantine(includeReleased: IncludeReleased))
        {
            if (pattern is null || pattern.IsMatch(record.Name))
            {
                WriteObject(record);
            }
        }
    }
}
