using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;
using VaultMesh.Core.Harbinger;
using VaultMesh.Core.Legacy;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Redis;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Import-VmMemory cmdlet; its help is docs/en-US/Import-VmMemory.md.</summary>
[Cmdlet(VerbsData.Import, "VmMemory", SupportsShouldProcess = true, DefaultParameterSetName = InboxSet)]
[OutputType(typeof(HarbingerRunResult), ParameterSetName = [InboxSet])]
[OutputType(typeof(LegacyImportResult), ParameterSetName = [LegacySet])]
[OutputType(typeof(IntakeRunResult), ParameterSetName = [RedisSet])]
public sealed class ImportVmMemoryCommand : VaultMeshCmdlet
{
    private const string InboxSet = "Inbox";
    private const string LegacySet = "Legacy";
    private const string RedisSet = "Redis";


    /// <summary>The inbox folder; default &lt;data&gt;/harbinger/inbox of the profile.</summary>
    [Parameter(ParameterSetName = InboxSet, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Inbox { get; set; }

    /// <summary>Where recorded files go; default &lt;data&gt;/harbinger/processed.</summary>
    [Parameter(ParameterSetName = InboxSet)]
    [ValidateNotNullOrEmpty]
    public string? ProcessedPath { get; set; }

    /// <summary>Where invalid files go; default &lt;data&gt;/harbinger/quarantine.</summary>
    [Parameter(ParameterSetName = InboxSet)]
    [ValidateNotNullOrEmpty]
    public string? QuarantinePath { get; set; }

    /// <summary>How far in the future an event's timestamp may be (default 5 minutes).</summary>
    [Parameter(ParameterSetName = InboxSet)]
    public TimeSpan? MaxClockDrift { get; set; }

    /// <summary>Quarantine events whose timestamp is older than this.</summary>
    [Parameter(ParameterSetName = InboxSet)]
    public TimeSpan? MaxAge { get; set; }

    /// <summary>Where events come from: Inbox (files, the default) or Redis (the profile's intake stream).</summary>
    [Parameter(ParameterSetName = InboxSet)]
    [Parameter(ParameterSetName = RedisSet, Mandatory = true)]
    [ValidateSet("Inbox", "Redis", IgnoreCase = true)]
    public string Source { get; set; } = "Inbox";

    /// <summary>This harbinger's consumer name in the stream's group; default the host name.</summary>
    [Parameter(ParameterSetName = RedisSet)]
    [ValidateNotNullOrEmpty]
    public string? Consumer { get; set; }

    /// <summary>Take over entries another consumer left unacknowledged this long (default 5 minutes).</summary>
    [Parameter(ParameterSetName = RedisSet)]
    public TimeSpan ReclaimAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The upstream Remembrancer SQLite database to import.</summary>
    [Parameter(ParameterSetName = LegacySet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string LegacyDatabase { get; set; } = "";

    /// <summary>The upstream root the operator vouches for; on a mismatch nothing is recorded.</summary>
    [Parameter(ParameterSetName = LegacySet)]
    [ValidateNotNullOrEmpty]
    public string? ExpectedLegacyRoot { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        if (ParameterSetName == LegacySet)
        {
            ImportLegacy();
        }
        else if (string.Equals(Source, "Redis", StringComparison.OrdinalIgnoreCase))
        {
            RunRedis();
        }
        else
        {
            RunInbox();
        }
    }

    private void RunInbox()
    {
        var options = HarbingerOptions.ForDataDirectory(Context.DataDirectory, FullPath(Inbox), FullPath(ProcessedPath),
            FullPath(QuarantinePath), MaxClockDrift, MaxAge);
        // Under -WhatIf every file is declined, so the store is not opened (nor created).
        var dryRun = WhatIfRequested;
        var intake = Services.Intake(options, dryRun);
        WriteVerbose($"Reading {options.Inbox}");
        var bar = new CmdletProgress(this, 1, "Harbinger", $"Reading {options.Inbox}");
        var progress = bar.For<HarbingerProgress>((b, p) =>
        {
            if (p.Result is null)
            {
                b.Report(p.Index, p.Total, $"{p.Index + 1} of {p.Total}: {System.IO.Path.GetFileName(p.Path)}");
                return;
            }
            Report(p.Result);
        });
        var result = intake.Run((path, action) => ShouldProcess(path, action), progress, CancellationToken);
        bar.Complete();
        WriteObject(result);
    }

    private void RunRedis()
    {
        var redis = Services.Redis ?? throw new VaultMeshException(RedisErrorIds.NotConfigured, VmErrorKind.InvalidOperation,
            $"Profile '{Context.Profile}' names no Redis; set one with Set-VmConfiguration -Redis host:port.", Context.Profile);
        var intake = new RedisIntake(redis);
        var consumer = Consumer ?? Environment.MachineName;
        if (!ShouldProcess($"{intake.StreamKey} as consumer '{consumer}'", "Record intake events"))
        {
            return;
        }
        var result = intake.ConsumeAsync(Services.Memories,
            HarbingerOptions.ForDataDirectory(Context.DataDirectory, maxClockDrift: MaxClockDrift, maxAge: MaxAge),
            consumer, ReclaimAfter, cancellationToken: CancellationToken).GetAwaiter().GetResult();
        foreach (var entry in result.Entries.Where(e => e.Outcome == HarbingerOutcome.Quarantined))
        {
            WriteVmError(new VaultMeshException(HarbingerErrorIds.Invalid, VmErrorKind.InvalidData,
                $"Intake entry {entry.EntryId} moved to the dead-letter stream as {entry.DeadLetterId} " +
                $"({entry.Reason}): {entry.Message}", entry.EntryId));
        }
        WriteObject(result);
    }

    private void Report(HarbingerFileResult file)
    {
        switch (file.Outcome)
        {
            case HarbingerOutcome.Recorded or HarbingerOutcome.Duplicate:
                WriteVerbose($"{file.Name}: {file.Outcome.ToString().ToLowerInvariant()} as {file.MemoryId}");
                break;
            case HarbingerOutcome.Skipped:
                WriteVerbose(file.Reason is null
                    ? $"{file.Name}: valid; not recorded."
                    : $"{file.Name}: would be quarantined ({file.Reason}): {file.Message}");
                break;
            default:
                var kind = file.Outcome == HarbingerOutcome.Quarantined ? VmErrorKind.InvalidData : VmErrorKind.ResourceUnavailable;
                WriteVmError(new VaultMeshException(file.ErrorId ?? HarbingerErrorIds.Invalid, kind, file.Message ?? file.Name, file.Path));
                break;
        }
    }

    private void ImportLegacy()
    {
        var files = ResolveFilePaths(LegacyDatabase);
        if (files.Count != 1)
        {
            if (files.Count > 1)
            {
                WriteVmError(new VaultMeshException(FileErrorIds.PathAmbiguous, VmErrorKind.InvalidArgument,
                    $"'{LegacyDatabase}' names {files.Count} files; import one database at a time.", LegacyDatabase));
            }
            return;
        }
        var legacy = LegacyRemembrancer.Open(files[0], CancellationToken);
        WriteVerbose($"{legacy.Rows} rows; legacy root {legacy.ComputedLegacyRoot ?? "(none: empty table)"}");
        var import = ShouldProcess(files[0], $"Record {legacy.Rows} legacy memories");
        var bar = new CmdletProgress(this, 2, "Legacy import", files[0]);
        var result = legacy.Import(import ? Services.Memories : null, ExpectedLegacyRoot,
            bar.For<(int Done, int Total)>((b, p) => b.Report(p.Done, p.Total)), CancellationToken);
        bar.Complete();
        WriteObject(result);
        if (result.RootMatches == false)
        {
            WriteVmError(new VaultMeshException("VmLegacyRootMismatch", VmErrorKind.SecurityError,
                $"The legacy root of '{files[0]}' is {result.ComputedLegacyRoot ?? "(none: empty table)"}, " +
                $"not the expected {result.ExpectedLegacyRoot}; nothing was recorded.", files[0]));
        }
    }

    private string? FullPath(string? path) => path is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
}
