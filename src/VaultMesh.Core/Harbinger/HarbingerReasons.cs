namespace VaultMesh.Core.Harbinger;

/// <summary>
/// Stable reason codes written to quarantine reason files and per-file results. They are public
/// API: automation greps for them.
/// </summary>
public static class HarbingerReasons
{
    /// <summary>The file is larger than the file size limit; it was not parsed.</summary>
    public const string FileTooLarge = "file-too-large";
    /// <summary>The bytes are not valid UTF-8.</summary>
    public const string NotUtf8 = "not-utf8";
    /// <summary>Not strict JSON: a syntax error, a duplicate key, a lone surrogate or an out-of-range number.</summary>
    public const string JsonInvalid = "json-invalid";
    /// <summary>The document is JSON but not an object.</summary>
    public const string NotObject = "not-object";
    /// <summary>A required field is absent, null or blank.</summary>
    public const string FieldMissing = "field-missing";
    /// <summary>A field has the wrong JSON type.</summary>
    public const string FieldType = "field-type";
    /// <summary>A field has the right type but an unacceptable value (a malformed digest).</summary>
    public const string FieldInvalid = "field-invalid";
    /// <summary>A text field is longer than the store accepts.</summary>
    public const string FieldTooLong = "field-too-long";
    /// <summary>The object has a member that is not part of the accepted shape.</summary>
    public const string FieldUnknown = "field-unknown";
    /// <summary>The canonical payload is larger than the store accepts.</summary>
    public const string PayloadTooLarge = "payload-too-large";
    /// <summary>The payload nests deeper than a memory payload may.</summary>
    public const string PayloadTooDeep = "payload-too-deep";
    /// <summary>The timestamp is not an RFC 3339 date-time this system can represent.</summary>
    public const string TimestampInvalid = "timestamp-invalid";
    /// <summary>The timestamp is further in the future than the allowed clock drift.</summary>
    public const string TimestampInFuture = "timestamp-future";
    /// <summary>The timestamp is older than the allowed maximum age.</summary>
    public const string TimestampTooOld = "timestamp-too-old";
}

/// <summary>Error ids the harbinger reports per file (public API; the cmdlet uses them as error ids).</summary>
public static class HarbingerErrorIds
{
    /// <summary>The file failed validation and was (or, under -WhatIf, would be) quarantined.</summary>
    public const string Invalid = "VmHarbingerInvalid";
    /// <summary>The file disappeared between listing and reading or moving.</summary>
    public const string FileVanished = "VmHarbingerFileVanished";
    /// <summary>The file exists but cannot be read; it is left in the inbox for the next run.</summary>
    public const string FileUnreadable = "VmHarbingerFileUnreadable";
    /// <summary>The file could not be moved out of the inbox.</summary>
    public const string MoveFailed = "VmHarbingerMoveFailed";
    /// <summary>An explicitly named inbox does not exist.</summary>
    public const string InboxNotFound = "VmHarbingerInboxNotFound";
    /// <summary>The inbox, processed and quarantine folders are not distinct, or a limit is out of range.</summary>
    public const string OptionsInvalid = "VmHarbingerOptionsInvalid";
}
