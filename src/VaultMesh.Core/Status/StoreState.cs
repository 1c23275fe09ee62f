namespace VaultMesh.Core.Status;

/// <summary>Whether the status report could read the profile's store.</summary>
public enum StoreState
{
    /// <summary>No store file: the profile recorded nothing yet (status never creates one).</summary>
    Absent,
    /// <summary>The store was read.</summary>
    Ok,
    /// <summary>The store exists but could not be read.</summary>
    Error,
}

/// <summary>The text of <see cref="StoreState"/> in <see cref="StatusReport.Store"/>.</summary>
public static class StoreStateText
{
    /// <summary><c>absent</c>, <c>ok</c>, or <c>error: </c> and <paramref name="error"/> (id: message).</summary>
    public static string ToWire(this StoreState state, string? error) => state switch
    {
        StoreState.Absent => "absent",
        StoreState.Ok => "ok",
        StoreState.Error => $"error: {error}",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a store state."),
    };
}
