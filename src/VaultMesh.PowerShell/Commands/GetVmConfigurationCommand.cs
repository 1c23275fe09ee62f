using System.Management.Automation;
using VaultMesh.Core.Configuration;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmConfiguration cmdlet; its help is docs/en-US/Get-VmConfiguration.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmConfiguration")]
[OutputType(typeof(ConfigurationProfile))]
public sealed class GetVmConfigurationCommand : VaultMeshCmdlet
{
    /// <summary>Show every profile.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        var any = false;
        foreach (var profile in ConfigurationService.GetProfiles(Context, All))
        {
            any = true;
            WriteObject(profile);
        }
        if (!any && !All)
        {
            WriteVerbose($"Profile '{Context.Profile}' is not defined in {Context.Paths.ConfigPath}; it runs on defaults.");
        }
    }
}
