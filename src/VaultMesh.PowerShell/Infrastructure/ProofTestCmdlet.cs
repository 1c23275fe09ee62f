using System.Management.Automation;
using VaultMesh.Core.Merkle;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>
/// Base of the Merkle proof tests: a <c>-Detailed</c> switch, and one way to write a
/// <see cref="VerificationResult"/> (a malformed proof is also an error with the result's id).
/// </summary>
public abstract class ProofTestCmdlet : CancellableCmdlet
{
    /// <summary>Return the verification result (which check and RFC 9162 step failed, and why) instead of a Boolean.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <summary>Writes the result as a Boolean, or whole with -Detailed.</summary>
    protected void WriteResult(VerificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.IsMalformed)
        {
            WriteVmError(result.ToException()!);
        }
        WriteObject(Detailed ? result : result.Valid);
    }
}
