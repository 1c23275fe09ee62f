using System.Collections;
using System.Management.Automation;
using VaultMesh.Core.Configuration;
using VaultMesh.PowerShell.Completion;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Set-VmConfiguration cmdlet; its help is docs/en-US/Set-VmConfiguration.md.</summary>
[Cmdlet(VerbsCommon.Set, "VmConfiguration", SupportsShouldProcess = true)]
[OutputType(typeof(ConfigurationProfile))]
public sealed class SetVmConfigurationCommand : VaultMeshCmdlet
{
    /// <summary>The profile to write (default: the active profile).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public override string? Profile { get; set; }

    /// <summary>region.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Region { get; set; }

    /// <summary>remembrancer_endpoint.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? RemembrancerEndpoint { get; set; }

    /// <summary>did_key_id.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? DidKeyId { get; set; }

    /// <summary>federation_endpoints.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? FederationEndpoint { get; set; }

    /// <summary>data_dir.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? DataDir { get; set; }

    /// <summary>metrics_bind.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? MetricsBind { get; set; }

    /// <summary>redis.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Redis { get; set; }

    /// <summary>Profile value of FEDERATION_ENABLED.</summary>
    [Parameter]
    public bool? FederationEnabled { get; set; }

    /// <summary>Profile value of ANCHOR_WRITE_ENABLED.</summary>
    [Parameter]
    public bool? AnchorWriteEnabled { get; set; }

    /// <summary>Profile value of VERIFY_ENFORCE.</summary>
    [Parameter]
    public bool? VerifyEnforce { get; set; }

    /// <summary>Other keys, dotted for nested tables: @{ 'rails.tsa.url' = 'http://...' }. A $null value removes the key.</summary>
    [Parameter]
    public IDictionary? Setting { get; set; }

    /// <summary>Make this profile the file's default_profile.</summary>
    [Parameter]
    public SwitchParameter Default { get; set; }

    /// <summary>Write the profile as it is after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var profile = ProfileName.Validate(Profile ?? Context.Profile);
        var other = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Setting is not null)
        {
            foreach (DictionaryEntry entry in Setting)
            {
                other[entry.Key.ToString()!] = entry.Value is PSObject ps ? ps.BaseObject : entry.Value;
            }
        }
        var update = new ProfileUpdate
        {
            Region = Region,
            RemembrancerEndpoint = RemembrancerEndpoint,
            DidKeyId = DidKeyId,
            FederationEndpoints = FederationEndpoint,
            DataDir = DataDir,
            MetricsBind = MetricsBind,
            Redis = Redis,
            FederationEnabled = FederationEnabled,
            AnchorWriteEnabled = AnchorWriteEnabled,
            VerifyEnforce = VerifyEnforce,
            Other = other,
            MakeDefault = Default,
        };
        if (!ShouldProcess($"profile '{profile}' in {Context.Paths.ConfigPath}", "Set configuration"))
        {
            return;
        }
        var written = ConfigurationService.SetProfile(Context.Paths, profile, update);
        if (PassThru)
        {
            WriteObject(written);
        }
    }
}
