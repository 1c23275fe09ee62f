#!/usr/bin/env python3
"""The upstream Remembrancer's legacy root of a memories database, for the benchmark to time.

Written for this repository from the algorithm that docs/architecture.md and
src/VaultMesh.Core/Legacy/LegacyMerkleRoot.cs describe: a leaf is the SHA-256 hex of the row's
json.dumps(sort_keys=True, separators=(",", ":")) over eight columns; a parent is the SHA-256 hex
of the two child hex strings concatenated; an odd last node pairs with itself. Prints the root.
"""
import hashlib
import json
import sqlite3
import sys

COLUMNS = ("id", "timestamp", "type", "component", "version", "hash", "sig", "data")


def leaves(path):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT " + ",".join(COLUMNS) + " FROM memories ORDER BY timestamp, id").fetchall()
    finally:
        connection.close()
    for row in rows:
        text = json.dumps(dict(zip(COLUMNS, row)), sort_keys=True, separators=(",", ":"))
        yield hashlib.sha256(text.encode("utf-8")).hexdigest()


def root(level):
    if not level:
        return ""
    while len(level) > 1:
        level = [hashlib.sha256((level[i] + (level[i + 1] if i + 1 < len(level) else level[i])).encode("utf-8")).hexdigest()
                 for i in range(0, len(level), 2)]
    return level[0]


if __name__ == "__main__":
    print(root(list(leaves(sys.argv[1]))))
