using System.Globalization;
using System.Text;

namespace VaultMesh.Core.Legacy;

/// <summary>
/// Python's <c>json.dumps(value, sort_keys=True, separators=(",", ":"))</c> with its defaults
/// (<c>ensure_ascii=True</c>, <c>allow_nan=True</c>), for the values SQLite hands Python:
/// <see langword="null"/> (None), <see cref="long"/> (int), <see cref="double"/> (float, rendered
/// as <c>float.__repr__</c>) and <see cref="string"/> (str). Only the upstream legacy root needs
/// this; it is not a canonical JSON form.
/// </summary>
internal static class PythonJson
{
    /// <summary>Serialises a flat object whose keys are sorted by code point, as <c>sort_keys</c> does.</summary>
    public static string DumpsSorted(IEnumerable<KeyValuePair<string, object?>> members)
    {
        var builder = new StringBuilder("{");
        var first = true;
        foreach (var (key, value) in members.OrderBy(m => m.Key, CodePointComparer.Instance))
        {
            if (!first)
            {
                builder.Append(',');
            }
            first = false;
            AppendString(builder, key);
            builder.Append(':');
            AppendValue(builder, value);
        }
        return builder.Append('}').ToString();
    }

    /// <summary>One value as <c>json.dumps</c> renders it.</summary>
    public static string Dumps(object? value)
    {
        var builder = new StringBuilder();
        AppendValue(builder, value);
        return builder.ToString();
    }

    private static void AppendValue(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null or DBNull:
                builder.Append("null");
                break;
            case long l:
                builder.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                builder.Append(FloatRepr(d));
                break;
            case string s:
                AppendString(builder, s);
                break;
            default:
                throw new ArgumentException($"Python's json.dumps has no form for a {value.GetType().Name}.", nameof(value));
        }
    }

    /// <summary><c>json.dumps</c> of a float: <c>float.__repr__</c>, and NaN/Infinity as JavaScript names (allow_nan=True).</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        var negative = value < 0 || (value == 0 && double.IsNegative(value));
        var sign = negative ? "-" : "";
        if (value == 0)
        {
            return sign + "0.0";
        }
        // .NET's "R" is the shortest string that round-trips, the same digits Python's repr uses;
        // only the layout differs, so the digits and the decimal exponent are taken apart here.
        var text = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? text : text.Remove(point, 1);
        // decpt: position of the decimal point relative to the start of the digits.
        var decpt = (point < 0 ? text.Length : point) + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }
        digits = digits[lead..];
        decpt -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        // CPython's float_repr_style 'short': exponent notation when decpt <= -4 or decpt > 16.
        if (decpt <= -4 || decpt > 16)
        {
            var mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
            var exp = decpt - 1;
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        if (decpt <= 0)
        {
            return sign + "0." + new string('0', -decpt) + digits;
        }
        if (decpt >= digits.Length)
        {
            return sign + digits + new string('0', decpt - digits.Length) + ".0";
        }
        return sign + digits[..decpt] + "." + digits[decpt..];
    }

    /// <summary>A string with <c>ensure_ascii=True</c>: everything outside printable ASCII becomes <c>\uXXXX</c>
    /// (lower-case hex, UTF-16 units).</summary>
    private static void AppendString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                default:
                    if (c is < ' ' or > '~')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        builder.Append('"');
    }

    /// <summary>Python compares str by code point; UTF-16 ordinal order differs only above the BMP.</summary>
    private sealed class CodePointComparer : IComparer<string>
    {
        public static readonly CodePointComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (x is null || y is null)
            {
                return x is null ? (y is null ? 0 : -1) : 1;
            }
            var a = x.EnumerateRunes().GetEnumerator();
            var b = y.EnumerateRunes().GetEnumerator();
            while (true)
            {
                var hasA = a.MoveNext();
                var hasB = b.MoveNext();
                if (!hasA || !hasB)
                {
                    return hasA ? 1 : hasB ? -1 : 0;
                }
                var c = a.Current.Value.CompareTo(b.Current.Value);
                if (c != 0)
                {
                    return c;
                }
            }
        }
    }
}
