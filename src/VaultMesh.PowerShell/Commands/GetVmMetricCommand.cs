using System.Management.Automation;
using VaultMesh.Core.Metrics;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmMetric cmdlet; its help is docs/en-US/Get-VmMetric.md.</summary>
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
