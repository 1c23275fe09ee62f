namespace VaultMesh.Core.Tests.Legacy;

/// <summary>
/// Rows and expected upstream roots. The roots were computed once by generate_vectors.py (Python's
/// own sqlite3, json.dumps and hashlib over the same rows) and pasted here; the tests never run Python.
/// </summary>
internal static class LegacyVectors
{
    public const string Typed = "CREATE TABLE memories (id INTEGER PRIMARY KEY, timestamp TEXT, type TEXT, "
        + "component TEXT, version TEXT, hash TEXT, sig TEXT, data TEXT, merkle_root TEXT)";
    public const string Untyped = "CREATE TABLE memories (id, timestamp, type, component, version, hash, sig, data, merkle_root)";

    public static readonly object?[][] Basic =
    [
        [1L, "2025-10-01T00:00:00Z", "deploy", "api", "1.0.0", "sha256:aa", "sig-1", "{\"k\":1}", null],
        [2L, "2025-10-02T00:00:00Z", "decision", "db", "2.0", "sha256:bb", null, "plain text", "r2"],
        [3L, "2025-10-03T00:00:00Z", "event", "edge", "3", null, null, null, null],
        [4L, "2025-10-04T00:00:00Z", "deploy", "api", "1.0.1", "sha256:cc", "sig-4", "[1,2]", null],
        [5L, "2025-10-05T00:00:00Z", "artifact", "web", "5.5", "sha256:dd", "sig-5", "", null],
    ];

    public const string Basic1 = "7c6af5af442c7dbdecb64f45fd9c54b4e4d7d6eb8ceeeb98ae897cb2fb59b88b";
    public const string Basic2 = "88a3112b22cec361ad5aa673fe7b27af6de3867ad5bf437554daaf23fa95191a";
    public const string Basic3 = "5e613dae977fd21875ea5a14e3b4d7a1e3567a5c377a2a5c8b6b1970794ad46e";
    public const string Basic5 = "777ba313197a7b8a9c9dcc500be303c99058fcf49e048d41c4565a74026e881f";

    /// <summary>Non-ASCII and escapes, NULLs, integers and floats (untyped columns keep the storage class).</summary>
    public static readonly object?[][] Mixed =
    [
        [10L, "2025-11-01 08:00:00", "note", "caf\u00e9", "1", null, null, "caf\u00e9 \u2615 \U0001F600 \"q\" \\ \n\t\u0001\u007f/", null],
        [11L, 1700000000L, "metric", "gauge", 2L, 1.5, 1e16, 1e-05, null],
        [12L, 1700000000.25, "metric", "gauge", 0.1, -0.0, 123456789.123, 1e15, 2.5e-07],
        [13L, "2025-11-01T09:00:00+02:00", "x", "y", "z", null, null, null, "m"],
    ];

    public const string MixedRoot = "177254ab99fb8a863510b7868193903a1046912461d0fd4f1cdf6feb7354a7f9";

    /// <summary>Python's json.dumps of the Mixed rows, in root order (integers and floats sort before text in SQLite).</summary>
    public static readonly string[] MixedJson =
    [
        """{"component":"gauge","data":1e-05,"hash":1.5,"id":11,"sig":1e+16,"timestamp":1700000000,"type":"metric","version":2}""",
        """{"component":"gauge","data":1000000000000000.0,"hash":-0.0,"id":12,"sig":123456789.123,"timestamp":1700000000.25,"type":"metric","version":0.1}""",
        """{"component":"caf\u00e9","data":"caf\u00e9 \u2615 \ud83d\ude00 \"q\" \\ \n\t\u0001\u007f/","hash":null,"id":10,"sig":null,"timestamp":"2025-11-01 08:00:00","type":"note","version":"1"}""",
        """{"component":"y","data":null,"hash":null,"id":13,"sig":null,"timestamp":"2025-11-01T09:00:00+02:00","type":"x","version":"z"}""",
    ];

    /// <summary>Inserted out of root order; two rows share a timestamp, so id breaks the tie.</summary>
    public static readonly object?[][] Order =
    [
        [7L, "2025-12-02T00:00:00Z", "b", "c", "1", null, null, "seven", null],
        [3L, "2025-12-02T00:00:00Z", "b", "c", "1", null, null, "three", null],
        [9L, "2025-12-01T00:00:00Z", "b", "c", "1", null, null, "nine", null],
    ];

    public const string OrderRoot = "3e674084244fe3e18dc742e3a8d6c2755fa126d7d03ca53e001615172ae8bde9";

    /// <summary>Python repr / json.dumps of floats (from generate_vectors.py).</summary>
    public static readonly (double Value, string Python)[] Floats =
    [
        (1.5, "1.5"), (1e16, "1e+16"), (1e-05, "1e-05"), (0.1, "0.1"), (-0.0, "-0.0"), (123456789.123, "123456789.123"),
        (1e15, "1000000000000000.0"), (2.5e-07, "2.5e-07"), (1e22, "1e+22"), (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (0.0001, "0.0001"), (123456789012345678.0, "1.2345678901234568e+17"),
        (100.0, "100.0"), (double.PositiveInfinity, "Infinity"), (double.NegativeInfinity, "-Infinity"),
    ];
}
