namespace VaultMesh.Core.Federation;

/// <summary>What Start-VmGuardian returns when the guardian has stopped.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Listen">Where it listened.</param>
/// <param name="Did">Its did:key.</param>
/// <param name="StartedAt">When it started (UTC).</param>
/// <param name="StoppedAt">When it stopped (UTC).</param>
public sealed record GuardianRun(string Profile, string Listen, string Did, DateTimeOffset StartedAt, DateTimeOffset StoppedAt);
