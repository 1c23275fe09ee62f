using System.Globalization;

namespace VaultMesh.Core;

/// <summary>
/// The one textual form of instants VaultMesh writes: UTC, millisecond precision, <c>Z</c>
/// (<c>2026-01-02T03:04:05.678Z</c>). Memories hash it, receipts carry it, the store keeps it and
/// the <c>vm</c> envelope prints it, so text written anywhere sorts and compares the same way.
/// </summary>
public static class UtcTimestamp
{
    /// <summary>The format pattern.</summary>
    public const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Formats an instant in UTC.</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>
    /// Formats an instant in UTC at millisecond precision, or with up to seven fraction digits when
    /// it is finer: for times that evidence proves (a TSA genTime), which a receipt must carry exactly.
    /// </summary>
    public static string FormatExact(DateTimeOffset instant) =>
        instant.UtcTicks % TimeSpan.TicksPerMillisecond == 0
            ? Format(instant)
            : instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses text written by <see cref="Format"/>.</summary>
    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.ParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
