using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Configuration;

/// <summary>config.toml cannot be read or would become invalid; names the file and, for syntax errors, the line and column.</summary>
public sealed class ConfigurationException : VaultMeshException
{
    /// <summary>Creates the error.</summary>
    public ConfigurationException(string errorId, string path, string message, int? line = null, int? column = null, Exception? inner = null)
        : base(errorId, VmErrorKind.InvalidData, message, path, inner)
    {
        Path = path;
        Line = line;
        Column = column;
    }

    /// <summary>The config file.</summary>
    public string Path { get; }

    /// <summary>1-based line of the first error, when known.</summary>
    public int? Line { get; }

    /// <summary>1-based column of the first error, when known.</summary>
    public int? Column { get; }
}
