using System.Management.Automation;
using VaultMesh.Core.Metrics;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Shows the figures /metrics serves for the active profile: the persisted counters (vaultmesh_anchor_verify_ok_total, ...), store counts, kill switches and build, as objects.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmMetric")]
[OutputType(typeof(MetricSample))]
public sealed class GetVmMetricCommand : VaultMeshCmdlet
{
    /// <summary>Only metrics with this name (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        var pattern = WildcardFilter.Create(Name, nameof(Name));
        foreach (var sample in NodeMetrics.Read(Context))
        {
            if (pattern is null || pattern.IsMatch(sample.Name))
            {
                WriteObject(sample);
            }
        }
    }
}
