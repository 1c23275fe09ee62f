using VaultMesh.Core.Configuration;

namespace VaultMesh.Core.Status;

/// <summary>What state this node is in: where it reads its configuration, which profile is active and
/// which kill switches are in force. Later capabilities add their own sections.</summary>
public sealed class StatusReport
{
    internal StatusReport(VaultMeshContext context, string? hostVersion, StoreSummary store)
    {
        Store = store.State.ToWire(store.Error);
        MemoryCount = store.Memories;
        PendingCount = store.Pending;
        BatchCount = store.Batches;
        LastBatchId = store.LastBatchId;
        LastSealAt = store.LastSealAt;
        Anchors = store.Anchors;
        Profile = context.Profile;
        ProfileSource = context.ProfileSource.ToString();
        ProfileExists = context.ProfileExists;
        Home = context.Paths.Home;
        ConfigPath = context.Paths.ConfigPath;
        ConfigExists = context.Config.Exists;
        DataDirectory = context.DataDirectory;
        ModuleVersion = VersionInfo.Product;
        RuntimeVersion = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
        PowerShellVersion = hostVersion;
        Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription;
        KillSwitches = context.KillSwitches.All;
        FederationEnabled = context.KillSwitches.Federation.Enabled;
        AnchorWriteEnabled = context.KillSwitches.AnchorWrite.Enabled;
        VerifyEnforce = context.KillSwitches.VerifyEnforce.Enabled;
        FederationSource = context.KillSwitches.Federation.Source.ToString();
        AnchorWriteSource = context.KillSwitches.AnchorWrite.Source.ToString();
        VerifyEnforceSource = context.KillSwitches.VerifyEnforce.Source.ToString();
        Warnings = context.KillSwitches.All.Where(k => k.Warning is not null).Select(k => k.Warning!).ToArray();
    }

    /// <summary>Active profile.</summary>
    public string Profile { get; }
    /// <summary>How the profile was chosen (Parameter, Environment, ConfigFile, Default).</summary>
    public string ProfileSource { get; }
    /// <summary>Whether config.toml defines the profile.</summary>
    public bool ProfileExists { get; }
    /// <summary>VAULTMESH_HOME.</summary>
    public string Home { get; }
    /// <summary>Path of config.toml.</summary>
    public string ConfigPath { get; }
    /// <summary>Whether config.toml exists.</summary>
    public bool ConfigExists { get; }
    /// <summary>The profile's data directory.</summary>
    public string DataDirectory { get; }
    /// <summary>VaultMesh version.</summary>
    public string ModuleVersion { get; }
    /// <summary>.NET runtime description.</summary>
    public string RuntimeVersion { get; }
    /// <summary>PowerShell version of the host, when run from PowerShell.</summary>
    public string? PowerShellVersion { get; }
    /// <summary>Operating system description.</summary>
    public string Os { get; }
    /// <summary>Effective kill switches with their sources.</summary>
    public IReadOnlyList<KillSwitch> KillSwitches { get; }
    /// <summary>Effective FEDERATION_ENABLED.</summary>
    public bool FederationEnabled { get; }
    /// <summary>Effective ANCHOR_WRITE_ENABLED.</summary>
    public bool AnchorWriteEnabled { get; }
    /// <summary>Effective VERIFY_ENFORCE.</summary>
    public bool VerifyEnforce { get; }
    /// <summary>Where FEDERATION_ENABLED came from (Environment, Profile, Default).</summary>
    public string FederationSource { get; }
    /// <summary>Where ANCHOR_WRITE_ENABLED came from.</summary>
    public string AnchorWriteSource { get; }
    /// <summary>Where VERIFY_ENFORCE came from.</summary>
    public string VerifyEnforceSource { get; }
    /// <summary>Store state: absent (nothing recorded yet), ok, or the error that prevents reading it.</summary>
    public string Store { get; }
    /// <summary>Memories recorded.</summary>
    public long MemoryCount { get; }
    /// <summary>Memories waiting for the sealer.</summary>
    public long PendingCount { get; }
    /// <summary>Sealed batches.</summary>
    public long BatchCount { get; }
    /// <summary>The newest batch.</summary>
    public string? LastBatchId { get; }
    /// <summary>When the newest batch was sealed.</summary>
    public DateTimeOffset? LastSealAt { get; }
    /// <summary>Anchor receipts by state.</summary>
    public AnchorSummary Anchors { get; }
    /// <summary>Configuration warnings (unrecognised kill-switch values).</summary>
    public IReadOnlyList<string> Warnings { get; }
}
