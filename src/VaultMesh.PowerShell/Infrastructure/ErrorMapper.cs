using System.Management.Automation;
using VaultMesh.Core.Errors;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>Maps core error kinds to PowerShell error categories.</summary>
internal static class ErrorMapper
{
    public static ErrorRecord ToRecord(VaultMeshException ex) => new(ex, ex.ErrorId, Category(ex.Kind), ex.Target);

    public static ErrorCategory Category(VmErrorKind kind) => kind switch
    {
        VmErrorKind.InvalidData => ErrorCategory.InvalidData,
        VmErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        VmErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        VmErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        VmErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
        VmErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        VmErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        VmErrorKind.SecurityError => ErrorCategory.SecurityError,
        VmErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        VmErrorKind.NotImplemented => ErrorCategory.NotImplemented,
        _ => ErrorCategory.NotSpecified,
    };
}
