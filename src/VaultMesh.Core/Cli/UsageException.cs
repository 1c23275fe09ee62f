using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Cli;

/// <summary>The command line does not fit the grammar; <c>vm</c> exits 2 with this message.</summary>
public sealed class UsageException : VaultMeshException
{
    /// <summary>Creates a usage error; the message lists the valid choices.</summary>
    public UsageException(string message, string? token = null)
        : base(CliErrorIds.Usage, VmErrorKind.InvalidArgument, message, token)
    {
    }
}
