#!/usr/bin/env python3
"""Test-data generation step for LegacyRemembrancerTests (not run by the tests).

Builds the same databases the tests build, with Python's own sqlite3 and json, and prints the
upstream legacy roots: leaves are sha256 hex of json.dumps(row, sort_keys=True,
separators=(",", ":")) over the eight columns other than merkle_root, rows ordered by timestamp
then id; a parent is sha256 of the two child hex strings concatenated; an odd node pairs with
itself. Paste the printed constants into LegacyVectors.cs.
"""
import hashlib, json, sqlite3

TYPED = "CREATE TABLE memories (id INTEGER PRIMARY KEY, timestamp TEXT, type TEXT, component TEXT, version TEXT, hash TEXT, sig TEXT, data TEXT, merkle_root TEXT)"
UNTYPED = "CREATE TABLE memories (id, timestamp, type, component, version, hash, sig, data, merkle_root)"

BASIC = [
    (1, "2025-10-01T00:00:00Z", "deploy", "api", "1.0.0", "sha256:aa", "sig-1", '{"k":1}', None),
    (2, "2025-10-02T00:00:00Z", "decision", "db", "2.0", "sha256:bb", None, "plain text", "r2"),
    (3, "2025-10-03T00:00:00Z", "event", "edge", "3", None, None, None, None),
    (4, "2025-10-04T00:00:00Z", "deploy", "api", "1.0.1", "sha256:cc", "sig-4", "[1,2]", None),
    (5, "2025-10-05T00:00:00Z", "artifact", "web", "5.5", "sha256:dd", "sig-5", "", None),
]

# Non-ASCII, escapes, NULLs and Python value types (untyped columns keep the storage class).
MIXED = [
    (10, "2025-11-01 08:00:00", "note", "caf\u00e9", "1", None, None, "caf\u00e9 \u2615 \U0001F600 \"q\" \\ \n\t\x01\x7f/", None),
    (11, 1700000000, "metric", "gauge", 2, 1.5, 1e16, 1e-05, None),
    (12, 1700000000.25, "metric", "gauge", 0.1, -0.0, 123456789.123, 1e15, 2.5e-07),
    (13, "2025-11-01T09:00:00+02:00", "x", "y", "z", None, None, None, "m"),
]

# Insertion order differs from root order: timestamp, then id.
ORDER = [
    (7, "2025-12-02T00:00:00Z", "b", "c", "1", None, None, "seven", None),
    (3, "2025-12-02T00:00:00Z", "b", "c", "1", None, None, "three", None),
    (9, "2025-12-01T00:00:00Z", "b", "c", "1", None, None, "nine", None),
]


def root(schema, rows):
    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    db.execute(schema)
    db.executemany("INSERT INTO memories VALUES (?,?,?,?,?,?,?,?,?)", rows)
    leaves = []
    for r in db.execute("SELECT * FROM memories ORDER BY timestamp, id"):
        row = {k: r[k] for k in r.keys() if k != "merkle_root"}
        leaves.append(hashlib.sha256(json.dumps(row, sort_keys=True, separators=(",", ":")).encode()).hexdigest())
    if not leaves:
        return None, leaves
    level = leaves
    while len(level) > 1:
        if len(level) % 2:
            level = level + [level[-1]]
        level = [hashlib.sha256((level[i] + level[i + 1]).encode()).hexdigest() for i in range(0, len(level), 2)]
    return level[0], leaves


for n in (1, 2, 3, 5):
    print(f"Basic{n} = \"{root(TYPED, BASIC[:n])[0]}\";")
print(f"Mixed = \"{root(UNTYPED, MIXED)[0]}\";")
print("MixedLeaves:", root(UNTYPED, MIXED)[1])
print(f"Order = \"{root(TYPED, ORDER)[0]}\";")
db = sqlite3.connect(":memory:")
db.row_factory = sqlite3.Row
db.execute(UNTYPED)
db.executemany("INSERT INTO memories VALUES (?,?,?,?,?,?,?,?,?)", MIXED)
for r in db.execute("SELECT * FROM memories ORDER BY timestamp, id"):
    print(json.dumps({k: r[k] for k in r.keys() if k != "merkle_root"}, sort_keys=True, separators=(",", ":")))
for f in (1.5, 1e16, 1e-05, 0.1, -0.0, 123456789.123, 1e15, 2.5e-07, 1e22, 5e-324, 1.7976931348623157e308, 0.0001, 123456789012345678.0, 100.0, float("inf"), float("-inf")):
    print(repr(f), json.dumps(f))
