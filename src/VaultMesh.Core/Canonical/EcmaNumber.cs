using System.Globalization;

namespace VaultMesh.Core.Canonical;

/// <summary>ECMAScript Number.prototype.toString for finite doubles (RFC 8785 section 3.2.2.3).</summary>
internal static class EcmaNumber
{
    /// <summary>Longest output: sign, "0.", five zeros and 17 digits, or sign, 17 digits, ".", "e-324".</summary>
    public const int MaxLength = 32;

    /// <summary>Writes the ECMAScript form of a finite <paramref name="value"/> as ASCII bytes.</summary>
    public static int Format(double value, Span<byte> destination)
    {
        if (value == 0)
        {
            // Both +0 and -0 print as "0" in ECMAScript.
            destination[0] = (byte)'0';
            return 1;
        }

        // .NET's "R" is the shortest string that round-trips, which is the digit string ECMAScript
        // asks for; only its layout (exponent threshold, "E+XX" spelling) differs.
        Span<char> text = stackalloc char[MaxLength];
        if (!value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A double did not fit the number buffer.");
        }
        text = text[..length];

        var pos = 0;
        var negative = text[0] == '-';
        if (negative)
        {
            pos++;
        }
        Span<byte> digits = stackalloc byte[MaxLength];
        var digitCount = 0;
        var pointAt = -1;
        for (; pos < text.Length && text[pos] != 'E'; pos++)
        {
            if (text[pos] == '.')
            {
                pointAt = digitCount;
            }
            else
            {
                digits[digitCount++] = (byte)text[pos];
            }
        }
        if (pointAt < 0)
        {
            pointAt = digitCount;
        }
        if (pos < text.Length)
        {
            pointAt += int.Parse(text[(pos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        // Normalise to value = 0.d1d2...dk * 10^n with d1 != 0 and dk != 0.
        var first = 0;
        while (digits[first] == '0')
        {
            first++;
            pointAt--;
        }
        var last = digitCount;
        while (digits[last - 1] == '0')
        {
            last--;
        }
        ReadOnlySpan<byte> d = digits[first..last];
        var k = d.Length;
        var n = pointAt;

        var w = 0;
        if (negative)
        {
            destination[w++] = (byte)'-';
        }
        if (k <= n && n <= 21)
        {
            d.CopyTo(destination[w..]);
            w += k;
            destination.Slice(w, n - k).Fill((byte)'0');
            w += n - k;
        }
        else if (0 < n && n <= 21)
        {
            d[..n].CopyTo(destination[w..]);
            w += n;
            destination[w++] = (byte)'.';
            d[n..].CopyTo(destination[w..]);
            w += k - n;
        }
        else if (-6 < n && n <= 0)
        {
            destination[w++] = (byte)'0';
            destination[w++] = (byte)'.';
            destination.Slice(w, -n).Fill((byte)'0');
            w += -n;
            d.CopyTo(destination[w..]);
            w += k;
        }
        else
        {
            destination[w++] = d[0];
            if (k > 1)
            {
                destination[w++] = (byte)'.';
                d[1..].CopyTo(destination[w..]);
                w += k - 1;
            }
            destination[w++] = (byte)'e';
            var exponent = n - 1;
            destination[w++] = exponent < 0 ? (byte)'-' : (byte)'+';
            exponent = Math.Abs(exponent);
            if (!exponent.TryFormat(destination[w..], out var written, default, CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException("An exponent did not fit the number buffer.");
            }
            w += written;
        }
        return w;
    }
}
