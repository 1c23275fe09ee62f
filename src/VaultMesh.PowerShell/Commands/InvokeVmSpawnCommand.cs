using System.Management.Automation;
using VaultMesh.Core.Legacy;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Spawn;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Invoke-VmSpawn cmdlet; its help is docs/en-US/Invoke-VmSpawn.md.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "VmSpawn", SupportsShouldProcess = true, DefaultParameterSetName = ForgeSet)]
[OutputType(typeof(SpawnRecord), ParameterSetName = [ForgeSet])]
[OutputType(typeof(LegacyToolResult), ParameterSetName = [LegacySet])]
public sealed class InvokeVmSpawnCommand : VaultMeshCmdlet
{
    private const string ForgeSet = "Forge";
    private const string LegacySet = "Legacy";

    /// <summary>Component name: lower-case letters, digits and single hyphens, starting with a letter.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>Template type: service (default), infra, tool, or a type of a profile template folder.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Type { get; set; } = "service";

    /// <summary>Add the MCP server scaffold (service and tool).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter WithMcp { get; set; }

    /// <summary>Add a message-queue client: rabbitmq or nats (service and tool).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? WithMq { get; set; }

    /// <summary>Folder to create the component in; default the profile's spawn.root (else &lt;data dir&gt;/services).</summary>
    [Parameter(ParameterSetName = ForgeSet)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>Replace an existing component folder.</summary>
    [Parameter(ParameterSetName = ForgeSet)]
    public SwitchParameter Force { get; set; }

    /// <summary>Run the upstream spawn.sh of the working directory (bash spawn.sh NAME TYPE [--with-mcp] [--with-mq KIND]).</summary>
    [Parameter(ParameterSetName = LegacySet, Mandatory = true)]
    public SwitchParameter Legacy { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        if (Legacy)
        {
            RunLegacy();
            return;
        }
        var request = new SpawnRequest { Name = Name, Type = Type, WithMcp = WithMcp, WithMq = WithMq, Force = Force };
        var root = Destination is null ? SpawnSettings.Root(Context) : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
        var service = Services.Spawn(TemplateRoot());
        var plan = service.Plan(request, root);
        var description = $"Spawn {plan.Request.Type} '{plan.Request.Name}' into {plan.Target}" + (plan.ReplacesExisting ? " (replacing it)" : "")
            + ", writing:" + string.Concat(plan.Files.Select(f => "\n  " + f));
        if (!ShouldProcess(description, $"Spawn '{plan.Request.Name}' into {plan.Target}?", "Invoke-VmSpawn"))
        {
            return;
        }
        WriteVerbose($"Writing {plan.Files.Count} files from template {plan.TemplateVersion}");
        WriteObject(service.Create(plan, Services.Memories, Environment.UserName, CancellationToken));
    }

    private void RunLegacy()
    {
        var arguments = new List<string> { Name, Type };
        if (WithMcp)
        {
            arguments.Add("--with-mcp");
        }
        if (WithMq is not null)
        {
            arguments.AddRange(["--with-mq", WithMq]);
        }
        var directory = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        if (ShouldProcess($"bash spawn.sh {string.Join(' ', arguments)} in {directory}", "Run legacy tool"))
        {
            WriteObject(LegacyTool.RunAsync("spawn.sh", arguments, directory, Profile, CancellationToken).GetAwaiter().GetResult());
        }
    }

    private string TemplateRoot() => System.IO.Path.Combine(
        MyInvocation.MyCommand.Module?.ModuleBase
            ?? System.IO.Path.GetDirectoryName(typeof(InvokeVmSpawnCommand).Assembly.Location)!,
        "templates");
}
