using System.Management.Automation;
using VaultMesh.Core.Anchoring;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Shows the persisted counters of the active profile (vaultmesh_anchor_verify_ok_total, vaultmesh_anchor_verify_fail_total, ...), as timer-driven runs added them up.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmMetric")]
[OutputType(typeof(CounterValue))]
public sealed class GetVmMetricCommand : VaultMeshCmdlet
{
    /// <summary>Only counters with this name (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        var pattern = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        foreach (var counter in Services.Anchors.Counters())
        {
            if (pattern is null || pattern.IsMatch(counter.Name))
            {
                WriteObject(counter);
            }
        }
    }
}
