using System.Buffers;
using System.Text;

namespace VaultMesh.Core.Canonical;

/// <summary>Writes a parsed <see cref="JcsDocument"/> in RFC 8785 form.</summary>
internal sealed class JcsWriter
{
    private readonly JcsEntry[] _entries;
    private readonly IBufferWriter<byte> _output;
    private readonly KeyOrder _keyOrder;

    private JcsWriter(JcsDocument document, IBufferWriter<byte> output)
    {
        _entries = document.Entries;
        _output = output;
        _keyOrder = new KeyOrder(_entries);
    }

    /// <summary>Writes <paramref name="document"/>, whose raw strings point into <paramref name="input"/>.</summary>
    public static void Write(JcsDocument document, ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var writer = new JcsWriter(document, output);
        writer.WriteValue(0, input);
    }

    private int WriteValue(int index, ReadOnlySpan<byte> input)
    {
        ref readonly var entry = ref _entries[index];
        switch (entry.Kind)
        {
            case JcsKind.Null:
                _output.Write("null"u8);
                return index + 1;
            case JcsKind.True:
                _output.Write("true"u8);
                return index + 1;
            case JcsKind.False:
                _output.Write("false"u8);
                return index + 1;
            case JcsKind.Number:
            {
                var span = _output.GetSpan(EcmaNumber.MaxLength);
                _output.Advance(EcmaNumber.Format(entry.Number, span));
                return index + 1;
            }
            case JcsKind.String:
                if (entry.Text is null)
                {
                    // An unescaped JSON string holds no character that RFC 8785 escapes, so its
                    // validated raw bytes already are the canonical form.
                    var raw = input.Slice(entry.RawStart, entry.RawLength);
                    var span = _output.GetSpan(raw.Length + 2);
                    span[0] = (byte)'"';
                    raw.CopyTo(span[1..]);
                    span[raw.Length + 1] = (byte)'"';
                    _output.Advance(raw.Length + 2);
                }
                else
                {
                    WriteString(_output, entry.Text);
                }
                return index + 1;
            case JcsKind.Array:
            {
                _output.Write("["u8);
                var end = entry.End;
                var next = index + 1;
                var first = true;
                while (next < end)
                {
                    if (!first)
                    {
                        _output.Write(","u8);
                    }
                    first = false;
                    next = WriteValue(next, input);
                }
                _output.Write("]"u8);
                return end;
            }
            case JcsKind.Object:
                WriteObject(index, input);
                return entry.End;
            default:
                throw new InvalidOperationException($"A {entry.Kind} entry cannot start a value.");
        }
    }

    private void WriteObject(int index, ReadOnlySpan<byte> input)
    {
        var count = _entries[index].Count;
        _output.Write("{"u8);
        if (count > 0)
        {
            var keys = ArrayPool<int>.Shared.Rent(count);
            try
            {
                var next = index + 1;
                for (var m = 0; m < count; m++)
                {
                    keys[m] = next;
                    var value = next + 1;
                    next = _entries[value].Kind is JcsKind.Object or JcsKind.Array ? _entries[value].End : value + 1;
                }
                Array.Sort(keys, 0, count, _keyOrder);
                for (var m = 0; m < count; m++)
                {
                    if (m > 0)
                    {
                        _output.Write(","u8);
                    }
                    WriteString(_output, _entries[keys[m]].Text!);
                    _output.Write(":"u8);
                    WriteValue(keys[m] + 1, input);
                }
            }
            finally
            {
                ArrayPool<int>.Shared.Return(keys);
            }
        }
        _output.Write("}"u8);
    }

    /// <summary>Writes a quoted string with the minimal escaping of RFC 8785 section 3.2.2.2.</summary>
    internal static void WriteString(IBufferWriter<byte> output, string text)
    {
        output.Write("\""u8);
        var span = text.AsSpan();
        while (!span.IsEmpty)
        {
            var run = 0;
            while (run < span.Length && !NeedsEscape(span[run]))
            {
                run++;
            }
            if (run > 0)
            {
                var chunk = span[..run];
                var dest = output.GetSpan(Encoding.UTF8.GetMaxByteCount(chunk.Length));
                output.Advance(Encoding.UTF8.GetBytes(chunk, dest));
                span = span[run..];
            }
            if (span.IsEmpty)
            {
                break;
            }
            var c = span[0];
            span = span[1..];
            switch (c)
            {
                case '\b': output.Write("\\b"u8); break;
                case '\t': output.Write("\\t"u8); break;
                case '\n': output.Write("\\n"u8); break;
                case '\f': output.Write("\\f"u8); break;
                case '\r': output.Write("\\r"u8); break;
                case '"': output.Write("\\\""u8); break;
                case '\\': output.Write("\\\\"u8); break;
                default:
                {
                    var dest = output.GetSpan(6);
                    "\\u00"u8.CopyTo(dest);
                    dest[4] = HexDigit(c >> 4);
                    dest[5] = HexDigit(c & 0xF);
                    output.Advance(6);
                    break;
                }
            }
        }
        output.Write("\""u8);
    }

    private static bool NeedsEscape(char c) => c < 0x20 || c == '"' || c == '\\';

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);

    /// <summary>Orders key entries by their UTF-16 code units (RFC 8785 section 3.2.3).</summary>
    private sealed class KeyOrder(JcsEntry[] entries) : IComparer<int>
    {
        public int Compare(int x, int y) => string.CompareOrdinal(entries[x].Text, entries[y].Text);
    }
}
