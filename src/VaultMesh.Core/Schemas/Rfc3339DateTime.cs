using System.Globalization;

namespace VaultMesh.Core.Schemas;

/// <summary>
/// Strict RFC 3339 section 5.6 <c>date-time</c>: <c>YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)</c> with
/// every field range-checked (month 01-12, day within its month, leap years, hour 00-23, minute
/// 00-59, second 00-60). This is the meaning of the JSON Schema <c>date-time</c> format that the
/// receipt schemas rely on.
/// </summary>
public static class Rfc3339DateTime
{
    /// <summary>Whether <paramref name="text"/> is an RFC 3339 date-time.</summary>
    public static bool IsValid(string text) => TryParse(text, out _, out _);

    /// <summary>
    /// Checks <paramref name="text"/> and, when it is an RFC 3339 date-time, returns the instant it
    /// names. <paramref name="instant"/> is null for valid text that .NET cannot represent (a leap
    /// second, year 0000, or an instant outside <see cref="DateTimeOffset"/>'s range).
    /// </summary>
    /// <param name="text">The text to check.</param>
    /// <param name="instant">The instant, with the offset as written; null when not representable.</param>
    /// <param name="error">Why the text is not a date-time; null when it is.</param>
    /// <returns>True when the text is an RFC 3339 date-time.</returns>
    public static bool TryParse(string text, out DateTimeOffset? instant, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        instant = null;
        error = Check(text, out var parts);
        if (error is not null)
        {
            return false;
        }
        instant = ToInstant(parts);
        return true;
    }

    private readonly record struct Parts(int Year, int Month, int Day, int Hour, int Minute, int Second, long FractionTicks, int OffsetMinutes);

    private static string? Check(string s, out Parts parts)
    {
        parts = default;
        // Date and time without the offset take 19 characters; the offset is checked below.
        if (s.Length < 19)
        {
            return "it is not of the form YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)";
        }
        if (!Digits(s, 0, 4, out var year) || s[4] != '-' || !Digits(s, 5, 2, out var month) || s[7] != '-' || !Digits(s, 8, 2, out var day))
        {
            return "the date is not YYYY-MM-DD";
        }
        if (s[10] is not ('T' or 't'))
        {
            return "the date and time must be separated by 'T'";
        }
        if (!Digits(s, 11, 2, out var hour) || s[13] != ':' || !Digits(s, 14, 2, out var minute) || s[16] != ':' || !Digits(s, 17, 2, out var second))
        {
            return "the time is not hh:mm:ss";
        }
        if (month is < 1 or > 12)
        {
            return string.Create(CultureInfo.InvariantCulture, $"month {month:00} is out of range");
        }
        if (day < 1 || day > DaysInMonth(year, month))
        {
            return string.Create(CultureInfo.InvariantCulture, $"day {day:00} is out of range for {year:0000}-{month:00}");
        }
        if (hour > 23 || minute > 59 || second > 60)
        {
            return "the time is out of range";
        }
        var i = 19;
        long fractionTicks = 0;
        if (i < s.Length && s[i] == '.')
        {
            var start = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                // Ticks are 100 ns: seven digits are kept, the rest cannot be represented.
                if (i - start < 7)
                {
                    fractionTicks = (fractionTicks * 10) + (s[i] - '0');
                }
                i++;
            }
            if (i == start)
            {
                return "the fraction of a second has no digits";
            }
            for (var pad = i - start; pad < 7; pad++)
            {
                fractionTicks *= 10;
            }
        }
        if (i >= s.Length)
        {
            return "the time zone offset is missing";
        }
        int offsetMinutes;
        if (s[i] is 'Z' or 'z')
        {
            offsetMinutes = 0;
            i++;
        }
        else if (s[i] is '+' or '-')
        {
            if (s.Length - i != 6 || !Digits(s, i + 1, 2, out var oh) || s[i + 3] != ':' || !Digits(s, i + 4, 2, out var om))
            {
                return "the time zone offset is not ±hh:mm";
            }
            if (oh > 23 || om > 59)
            {
                return "the time zone offset is out of range";
            }
            offsetMinutes = (s[i] == '-' ? -1 : 1) * ((oh * 60) + om);
            i += 6;
        }
        else
        {
            return "the time zone offset must be 'Z' or ±hh:mm";
        }
        if (i != s.Length)
        {
            return "unexpected text after the time zone offset";
        }
        parts = new Parts(year, month, day, hour, minute, second, fractionTicks, offsetMinutes);
        return null;
    }

    private static DateTimeOffset? ToInstant(Parts p)
    {
        if (p.Second == 60 || p.Year == 0)
        {
            return null;
        }
        var local = new DateTime(p.Year, p.Month, p.Day, p.Hour, p.Minute, p.Second, DateTimeKind.Unspecified).AddTicks(p.FractionTicks);
        var offset = TimeSpan.FromMinutes(p.OffsetMinutes);
        var utcTicks = local.Ticks - offset.Ticks;
        // DateTimeOffset refuses offsets beyond ±14:00 and UTC instants outside its range.
        if (Math.Abs(p.OffsetMinutes) > 14 * 60 || utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks
                ? null
                : new DateTimeOffset(utcTicks, TimeSpan.Zero);
        }
        return new DateTimeOffset(local, offset);
    }

    private static int DaysInMonth(int year, int month) => month switch
    {
        2 => (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    private static bool Digits(string s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }
            value = (value * 10) + (s[i] - '0');
        }
        return true;
    }
}
