using System.Management.Automation;
using VaultMesh.Core.Federation;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Shows the evidence kept for quarantined peers: what they signed and why it contradicts itself; released evidence with -IncludeReleased.</para>
/// </summary>
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
        foreach (var record in new FederationStore(Store).GetQuarantine(includeReleased: IncludeReleased))
        {
            if (pattern is null || pattern.IsMatch(record.Name))
            {
                WriteObject(record);
            }
        }
    }
}
