namespace VaultMesh.Core.Errors;

/// <summary>
/// Base of every error the core raises on purpose. <see cref="ErrorId"/> is public API: cmdlets use
/// it as the fully qualified error id and tests pin it.
/// </summary>
public class VaultMeshException : Exception
{
    /// <summary>Creates an error with a stable id, a kind and the input that failed.</summary>
    public VaultMeshException(string errorId, VmErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    /// <summary>Stable PascalCase identifier, for example <c>VmConfigurationInvalid</c>.</summary>
    public string ErrorId { get; }

    /// <summary>What sort of failure this is; the PowerShell layer maps it to an ErrorCategory.</summary>
    public VmErrorKind Kind { get; }

    /// <summary>The input that failed (a path, a profile name, a value), if any.</summary>
    public object? Target { get; }
}

/// <summary>Failure kinds, mapped one-to-one to PowerShell error categories by the module.</summary>
public enum VmErrorKind
{
    /// <summary>Input is syntactically or semantically wrong.</summary>
    InvalidData,
    /// <summary>An argument is out of its allowed range or set.</summary>
    InvalidArgument,
    /// <summary>Something named does not exist.</summary>
    NotFound,
    /// <summary>The operation is not allowed in the current state (kill switch, enforcement).</summary>
    InvalidOperation,
    /// <summary>The item would duplicate one that exists.</summary>
    AlreadyExists,
    /// <summary>A file or network resource could not be read or written.</summary>
    ResourceUnavailable,
    /// <summary>Permission was denied.</summary>
    PermissionDenied,
    /// <summary>Verification found evidence that does not hold.</summary>
    SecurityError,
    /// <summary>The operation timed out.</summary>
    OperationTimeout,
    /// <summary>The data was written by a newer version and cannot be read safely.</summary>
    NotImplemented,
}
