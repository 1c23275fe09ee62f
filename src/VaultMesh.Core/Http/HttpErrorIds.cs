namespace VaultMesh.Core.Http;

/// <summary>Stable error ids of the HTTP listeners: public API, pinned by tests.</summary>
public static class HttpErrorIds
{
    /// <summary>A bind address is not host:port.</summary>
    public const string BindAddressInvalid = "VmBindAddressInvalid";

    /// <summary>A listener cannot bind its address.</summary>
    public const string BindFailed = "VmBindFailed";
}
