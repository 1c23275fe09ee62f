using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;
using VaultMesh.Core.Harbinger;
using VaultMesh.Core.Redis;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Send-VmIntakeEvent cmdlet; its help is docs/en-US/Send-VmIntakeEvent.md.</summary>
[Cmdlet(VerbsCommunications.Send, "VmIntakeEvent", SupportsShouldProcess = true, DefaultParameterSetName = JsonSet)]
[OutputType(typeof(IntakeSendResult))]
public sealed class SendVmIntakeEventCommand : VaultMeshCmdlet
{
    private const string JsonSet = "Json";
    private const string PathSet = "Path";
    private RedisIntake? _intake;

    /// <summary>The event as JSON text.</summary>
    [Parameter(ParameterSetName = JsonSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string Json { get; set; } = "";

    /// <summary>Event files (wildcards allowed); binds FullName from Get-ChildItem.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <inheritdoc />
    protected override void OnProcess()
    {
        if (ParameterSetName == JsonSet)
        {
            Send(Json, "<json>");
            return;
        }
        foreach (var pattern in Path)
        {
            foreach (var file in ResolveFilePaths(pattern))
            {
                string text;
                try
                {
                    text = File.ReadAllText(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    WriteVmError(new VaultMeshException(FileErrorIds.Unreadable, VmErrorKind.ResourceUnavailable,
                        $"'{file}' cannot be read: {ex.Message}", file, ex));
                    continue;
                }
                Send(text, file);
            }
        }
    }

    private void Send(string json, string source)
    {
        var intake = _intake ??= new RedisIntake(Services.Redis ?? throw new VaultMeshException(
            RedisErrorIds.NotConfigured, VmErrorKind.InvalidOperation,
            $"Profile '{Context.Profile}' names no Redis; set one with Set-VmConfiguration -Redis host:port.", Context.Profile));
        if (!ShouldProcess($"{source} to {intake.StreamKey}", "Send intake event"))
        {
            return;
        }
        try
        {
            var id = intake.SendAsync(json, HarbingerOptions.ForDataDirectory(Context.DataDirectory), CancellationToken).GetAwaiter().GetResult();
            WriteObject(new IntakeSendResult(id, intake.StreamKey.ToString(), source));
        }
        catch (VaultMeshException ex) when (ex.ErrorId == RedisErrorIds.IntakeEventInvalid)
        {
            WriteVmError(new VaultMeshException(ex.ErrorId, ex.Kind, $"{source}: {ex.Message}", source, ex));
        }
    }
}
