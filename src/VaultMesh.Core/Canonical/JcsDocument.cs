using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VaultMesh.Core.Canonical;

/// <summary>Kinds of entries in a <see cref="JcsDocument"/>.</summary>
internal enum JcsKind : byte
{
    Null,
    True,
    False,
    Number,
    String,
    Key,
    Object,
    Array,
}

/// <summary>
/// One value or key of a parsed document, in document order. Containers are followed by their
/// descendants; <see cref="End"/> is the index just after the last of them.
/// </summary>
internal struct JcsEntry
{
    public JcsKind Kind;
    /// <summary>For strings that had no escapes: where their raw UTF-8 content starts in the input.</summary>
    public int RawStart;
    public int RawLength;
    /// <summary>Keys, and strings that had escapes, unescaped.</summary>
    public string? Text;
    public double Number;
    public int End;
    /// <summary>Members of an object.</summary>
    public int Count;
}

/// <summary>
/// A strict single pass over UTF-8 JSON with <see cref="Utf8JsonReader"/> that records every value
/// and rejects what RFC 8785 cannot canonicalise, saying where.
/// </summary>
internal sealed class JcsDocument
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private JcsEntry[] _entries = new JcsEntry[16];
    private int _count;

    private JcsDocument()
    {
    }

    /// <summary>The entries, valid up to <see cref="Count"/>.</summary>
    public JcsEntry[] Entries => _entries;

    /// <summary>Number of entries.</summary>
    public int Count => _count;

    /// <summary>Parses <paramref name="utf8"/>; a leading UTF-8 byte order mark is ignored.</summary>
    public static JcsDocument Parse(ReadOnlySpan<byte> utf8)
    {
        var doc = new JcsDocument();
        doc.Read(utf8);
        return doc;
    }

    /// <summary>
    /// UTF-8 bytes of a .NET string. Lone surrogates cannot be UTF-8, so they are written in the
    /// generalised (WTF-8) form; the parser then reports them as lone surrogates, with their path.
    /// </summary>
    public static byte[] ToUtf8(string json)
    {
        try
        {
            return StrictUtf8.GetBytes(json);
        }
        catch (EncoderFallbackException)
        {
            return ToWtf8(json);
        }
    }

    private static byte[] ToWtf8(string text)
    {
        var bytes = new List<byte>(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            int cp = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }
            if (cp < 0x80)
            {
                bytes.Add((byte)cp);
            }
            else if (cp < 0x800)
            {
                bytes.Add((byte)(0xC0 | (cp >> 6)));
                bytes.Add((byte)(0x80 | (cp & 0x3F)));
            }
            else if (cp < 0x10000)
            {
                bytes.Add((byte)(0xE0 | (cp >> 12)));
                bytes.Add((byte)(0x80 | ((cp >> 6) & 0x3F)));
                bytes.Add((byte)(0x80 | (cp & 0x3F)));
            }
            else
            {
                bytes.Add((byte)(0xF0 | (cp >> 18)));
                bytes.Add((byte)(0x80 | ((cp >> 12) & 0x3F)));
                bytes.Add((byte)(0x80 | ((cp >> 6) & 0x3F)));
                bytes.Add((byte)(0x80 | (cp & 0x3F)));
            }
        }
        return [.. bytes];
    }

    private struct Frame
    {
        public int Entry;
        public bool IsObject;
        public int Items;
        public string? Key;
        public HashSet<string>? Keys;
    }

    private void Read(ReadOnlySpan<byte> input)
    {
        var bomLength = input.StartsWith("\uFEFF"u8) ? 3 : 0;
        var utf8 = input[bomLength..];
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            // One level of slack so that the depth check below, not the reader, reports it with a path.
            MaxDepth = JsonLimits.MaxDepth + 1,
        });
        var frames = new Frame[8];
        var depth = 0;
        var keySets = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                var offset = (int)reader.TokenStartIndex;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                    {
                        ref var frame = ref frames[depth - 1];
                        frame.Key = null;
                        var key = ReadString(ref reader, utf8, frames, depth, bomLength);
                        frame.Keys ??= keySets.Count > 0 ? keySets.Pop() : new HashSet<string>(StringComparer.Ordinal);
                        frame.Key = key;
                        if (!frame.Keys.Add(key))
                        {
                            throw Error(utf8, offset, bomLength, frames, depth,
                                $"duplicate key \"{Printable(key)}\" in an object (RFC 8785 requires unique keys).");
                        }
                        _entries[frame.Entry].Count++;
                        Add(new JcsEntry { Kind = JcsKind.Key, Text = key });
                        break;
                    }
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                    {
                        if (depth == JsonLimits.MaxDepth)
                        {
                            throw Error(utf8, offset, bomLength, frames, depth,
                                string.Create(CultureInfo.InvariantCulture,
                                    $"the document nests deeper than {JsonLimits.MaxDepth} levels of " +
                                    $"arrays and objects, the limit of every VaultMesh JSON reader."));
                        }
                        if (depth == frames.Length)
                        {
                            Array.Resize(ref frames, frames.Length * 2);
                        }
                        var isObject = reader.TokenType == JsonTokenType.StartObject;
                        frames[depth++] = new Frame { Entry = _count, IsObject = isObject };
                        Add(new JcsEntry { Kind = isObject ? JcsKind.Object : JcsKind.Array });
                        break;
                    }
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                    {
                        ref var frame = ref frames[--depth];
                        _entries[frame.Entry].End = _count;
                        if (frame.Keys is { } keys)
                        {
                            keys.Clear();
                            keySets.Push(keys);
                        }
                        frame = default;
                        CompleteValue(frames, depth);
                        break;
                    }
                    case JsonTokenType.String:
                    {
                        var entry = new JcsEntry { Kind = JcsKind.String };
                        if (reader.ValueIsEscaped)
                        {
                            entry.Text = ReadString(ref reader, utf8, frames, depth, bomLength);
                        }
                        else
                        {
                            CheckUtf8(reader.ValueSpan, utf8, offset, bomLength, frames, depth);
                            entry.RawStart = bomLength + offset + 1;
                            entry.RawLength = reader.ValueSpan.Length;
                        }
                        Add(entry);
                        CompleteValue(frames, depth);
                        break;
                    }
                    case JsonTokenType.Number:
                    {
                        if (!double.TryParse(
                                reader.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                            || !double.IsFinite(number))
                        {
                            throw Error(utf8, offset, bomLength, frames, depth,
                                $"the number {Encoding.UTF8.GetString(reader.ValueSpan)} is outside the range of an IEEE 754 double.");
                        }
                        Add(new JcsEntry { Kind = JcsKind.Number, Number = number });
                        CompleteValue(frames, depth);
                        break;
                    }
                    case JsonTokenType.True:
                    case JsonTokenType.False:
                    case JsonTokenType.Null:
                    {
                        var kind = reader.TokenType switch
                        {
                            JsonTokenType.True => JcsKind.True,
                            JsonTokenType.False => JcsKind.False,
                            _ => JcsKind.Null,
                        };
                        Add(new JcsEntry { Kind = kind });
                        CompleteValue(frames, depth);
                        break;
                    }
                    default:
                        throw Error(utf8, offset, bomLength, frames, depth, $"unexpected token {reader.TokenType}.");
                }
            }
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } l ? (int)l + 1 : (int?)null;
            var column = ex.BytePositionInLine is { } b ? (int)b + 1 : (int?)null;
            throw new CanonicalJsonException($"invalid JSON. {StripLocation(ex.Message)}", PathOf(frames, depth), null, line, column, inner: ex);
        }
        if (_count == 0)
        {
            throw new CanonicalJsonException("invalid JSON: the input holds no value.", "$");
        }
    }

    private void Add(JcsEntry entry)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }
        _entries[_count++] = entry;
    }

    private static void CompleteValue(Frame[] frames, int depth)
    {
        if (depth == 0)
        {
            return;
        }
        ref var parent = ref frames[depth - 1];
        if (parent.IsObject)
        {
            // Between members an error belongs to the object, not to the member just read.
            parent.Key = null;
        }
        else
        {
            parent.Items++;
        }
    }

    private static string ReadString(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, Frame[] frames, int depth, int bomLength)
    {
        var raw = reader.ValueSpan;
        var offset = (int)reader.TokenStartIndex;
        if (!reader.ValueIsEscaped)
        {
            CheckUtf8(raw, utf8, offset, bomLength, frames, depth);
            return Encoding.UTF8.GetString(raw);
        }

        char[]? rented = null;
        Span<char> buffer = raw.Length <= 256 ? stackalloc char[raw.Length] : (rented = ArrayPool<char>.Shared.Rent(raw.Length));
        try
        {
            var written = 0;
            var i = 0;
            while (i < raw.Length)
            {
                var slash = raw[i..].IndexOf((byte)'\\');
                var literal = slash < 0 ? raw[i..] : raw.Slice(i, slash);
                if (!literal.IsEmpty)
                {
                    CheckUtf8(literal, utf8, offset + i, bomLength, frames, depth);
                    written += Encoding.UTF8.GetChars(literal, buffer[written..]);
                    i += literal.Length;
                }
                if (slash < 0)
                {
                    break;
                }
                // The reader has validated every escape, so each is well formed here.
                var escape = raw[i + 1];
                if (escape == (byte)'u')
                {
                    buffer[written++] = (char)int.Parse(Encoding.ASCII.GetString(raw.Slice(i + 2, 4)),
                        NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                    i += 6;
                    continue;
                }
                buffer[written++] = escape switch
                {
                    (byte)'b' => '\b',
                    (byte)'f' => '\f',
                    (byte)'n' => '\n',
                    (byte)'r' => '\r',
                    (byte)'t' => '\t',
                    _ => (char)escape,
                };
                i += 2;
            }
            var text = buffer[..written];
            for (var c = 0; c < text.Length; c++)
            {
                if (char.IsHighSurrogate(text[c]) && c + 1 < text.Length && char.IsLowSurrogate(text[c + 1]))
                {
                    c++;
                }
                else if (char.IsSurrogate(text[c]))
                {
                    throw Error(utf8, offset, bomLength, frames, depth,
                        string.Create(CultureInfo.InvariantCulture,
                            $"lone surrogate \\u{(int)text[c]:x4} in a string (it is not a Unicode character)."));
                }
            }
            return new string(text);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static void CheckUtf8(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> utf8, int tokenOffset, int bomLength, Frame[] frames, int depth)
    {
        if (System.Text.Unicode.Utf8.IsValid(raw))
        {
            return;
        }
        var at = 0;
        while (System.Text.Rune.DecodeFromUtf8(raw[at..], out _, out var consumed) == OperationStatus.Done)
        {
            at += consumed;
        }
        // ED A0..BF xx is a UTF-16 surrogate encoded as if it were a character.
        if (at + 2 < raw.Length && raw[at] == 0xED && (raw[at + 1] & 0xE0) == 0xA0)
        {
            var unit = 0xD000 | ((raw[at + 1] & 0x3F) << 6) | (raw[at + 2] & 0x3F);
            throw Error(utf8, tokenOffset, bomLength, frames, depth,
                string.Create(CultureInfo.InvariantCulture, $"lone surrogate \\u{unit:x4} in a string (it is not a Unicode character)."));
        }
        throw Error(utf8, tokenOffset, bomLength, frames, depth,
            string.Create(CultureInfo.InvariantCulture, $"invalid UTF-8 byte 0x{raw[at]:x2} in a string."));
    }

    private static CanonicalJsonException Error(ReadOnlySpan<byte> utf8, int offset, int bomLength, Frame[] frames, int depth, string problem)
    {
        var before = utf8[..Math.Min(offset, utf8.Length)];
        var line = before.Count((byte)'\n') + 1;
        var column = offset - before.LastIndexOf((byte)'\n');
        return new CanonicalJsonException(problem, PathOf(frames, depth), bomLength + offset, line, column);
    }

    private static string PathOf(Frame[] frames, int depth)
    {
        var path = new StringBuilder("$");
        for (var i = 0; i < depth; i++)
        {
            ref var frame = ref frames[i];
            if (!frame.IsObject)
            {
                path.Append(CultureInfo.InvariantCulture, $"[{frame.Items}]");
            }
            else if (frame.Key is { } key)
            {
                AppendKey(path, key);
            }
        }
        return path.ToString();
    }

    /// <summary>Appends <c>.name</c> for identifier-like keys, else <c>['...']</c>.</summary>
    internal static void AppendKey(StringBuilder path, string key)
    {
        var simple = key.Length > 0 && !char.IsAsciiDigit(key[0]);
        foreach (var c in key)
        {
            simple &= char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$';
        }
        if (simple)
        {
            path.Append('.').Append(key);
            return;
        }
        path.Append("['");
        foreach (var c in key)
        {
            _ = c switch
            {
                '\'' => path.Append("\\'"),
                '\\' => path.Append("\\\\"),
                _ when char.IsControl(c) || char.IsSurrogate(c) => path.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => path.Append(c),
            };
        }
        path.Append("']");
    }

    private static string Printable(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = char.IsControl(c) ? sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : sb.Append(c);
        }
        return sb.ToString();
    }

    // The reader appends " LineNumber: n | BytePositionInLine: m." which our message states itself.
    private static string StripLocation(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return at < 0 ? message : message[..at];
    }
}
