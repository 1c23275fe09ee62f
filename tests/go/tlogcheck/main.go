// Command tlogcheck verifies a directory published in the C2SP tlog-tiles layout with the Go
// checksum database's own tlog and note packages, so a VaultMesh log is checked by code nobody
// here wrote. It checks the checkpoint's signature and origin against a vkey, authenticates every
// hash tile against the checkpoint's root, hashes every entry of every bundle as an RFC 6962 leaf
// against the level-0 tiles, proves one entry's inclusion, and proves consistency from an older
// checkpoint. x/mod names tiles tile/8/<L>/... and bundles tile/8/data/...; the reader below maps
// those to the tlog-tiles names (tile/<L>/..., tile/entries/...).
//
// Usage: tlogcheck -dir <published dir> -vkey <vkey> [-entry <index>] [-old <older checkpoint file>]
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

type dirTiles struct{ dir string }

// tilesPath maps an x/mod tile path to its tlog-tiles name.
func tilesPath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), "tile/8/")
	if strings.HasPrefix(p, "data/") {
		p = "entries/" + strings.TrimPrefix(p, "data/")
	}
	return "tile/" + p
}

func (d dirTiles) Height() int { return height }

func (d dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := os.ReadFile(filepath.Join(d.dir, tilesPath(t)))
		if err != nil {
			return nil, err
		}
		if len(data) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("%s holds %d bytes, not %d", tilesPath(t), len(data), t.W*tlog.HashSize)
		}
		out[i] = data
	}
	return out, nil
}

func (d dirTiles) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

// openCheckpoint verifies a checkpoint note with the vkey and returns its tree.
func openCheckpoint(path string, verifier note.Verifier) (tlog.Tree, error) {
	msg, err := os.ReadFile(path)
	if err != nil {
		return tlog.Tree{}, err
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return tlog.Tree{}, fmt.Errorf("%s: %v", path, err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		return tlog.Tree{}, fmt.Errorf("%s: the origin is not the vkey's name %q", path, verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return tlog.Tree{}, fmt.Errorf("%s: malformed size line %q", path, lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return tlog.Tree{}, fmt.Errorf("%s: malformed root line", path)
	}
	var h tlog.Hash
	copy(h[:], root)
	return tlog.Tree{N: size, Hash: h}, nil
}

// readBundle reads the entries of the bundle that holds entries [256n, 256n+w).
func readBundle(dir string, n int64, w int) ([][]byte, error) {
	t := tlog.Tile{H: height, L: -1, N: n, W: w}
	data, err := os.ReadFile(filepath.Join(dir, tilesPath(t)))
	if err != nil {
		return nil, err
	}
	var entries [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, fmt.Errorf("%s: truncated length prefix", tilesPath(t))
		}
		l := int(binary.BigEndian.Uint16(data))
		if len(data)-2 < l {
			return nil, fmt.Errorf("%s: entry %d is truncated", tilesPath(t), len(entries))
		}
		entries = append(entries, data[2:2+l])
		data = data[2+l:]
	}
	if len(entries) != w {
		return nil, fmt.Errorf("%s: holds %d entries, not %d", tilesPath(t), len(entries), w)
	}
	return entries, nil
}

func run() error {
	dir := flag.String("dir", "", "published directory")
	vkey := flag.String("vkey", "", "the log's note verifier key")
	entry := flag.Int64("entry", -1, "an entry whose inclusion to prove")
	old := flag.String("old", "", "an older checkpoint to prove consistency from")
	flag.Parse()
	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		return fmt.Errorf("vkey: %v", err)
	}
	tree, err := openCheckpoint(filepath.Join(*dir, "checkpoint"), verifier)
	if err != nil {
		return err
	}
	reader := tlog.TileHashReader(tree, dirTiles{*dir})
	root, err := tlog.TreeHash(tree.N, reader)
	if err != nil {
		return fmt.Errorf("tree hash: %v", err)
	}
	if root != tree.Hash {
		return errors.New("the tiles do not hash to the checkpoint's root")
	}
	// Every entry of every bundle against its level-0 hash: this authenticates every level-0 tile
	// (and, through TileHashReader, each parent tile) against the root.
	checked := int64(0)
	for n := int64(0); n*256 < tree.N; n++ {
		w := 256
		if rest := tree.N - n*256; rest < 256 {
			w = int(rest)
		}
		entries, err := readBundle(*dir, n, w)
		if err != nil {
			return err
		}
		indexes := make([]int64, w)
		for i := range indexes {
			indexes[i] = tlog.StoredHashIndex(0, n*256+int64(i))
		}
		hashes, err := reader.ReadHashes(indexes)
		if err != nil {
			return fmt.Errorf("level-0 hashes of bundle %d: %v", n, err)
		}
		for i, e := range entries {
			if tlog.RecordHash(e) != hashes[i] {
				return fmt.Errorf("entry %d does not hash to its level-0 tile hash", n*256+int64(i))
			}
		}
		checked += int64(w)
	}
	// TileHashReader authenticates the tiles that hold the root's subtrees, but when several of
	// those share one tile it skips the parent check of as many full tiles below (x/mod 0.7): so
	// every hash of every tile above level 0 is checked here to be the hash of its full child tile,
	// which binds each tile, bottom-up, to the tiles the root was computed from.
	tiles := dirTiles{*dir}
	for level := 1; tree.N>>(height*level) > 0; level++ {
		hashes := tree.N >> (height * level)
		for n := int64(0); n*256 < hashes; n++ {
			parent := tlog.Tile{H: height, L: level, N: n, W: int(min64(256, hashes-n*256))}
			data, err := tiles.ReadTiles([]tlog.Tile{parent})
			if err != nil {
				return err
			}
			for j := 0; j < parent.W; j++ {
				child := tlog.Tile{H: height, L: level - 1, N: n*256 + int64(j), W: 256}
				childData, err := tiles.ReadTiles([]tlog.Tile{child})
				if err != nil {
					return err
				}
				if !bytes.Equal(fullTileHash(childData[0]), data[0][j*tlog.HashSize:(j+1)*tlog.HashSize]) {
					return fmt.Errorf("%s does not hash to its entry in %s", tilesPath(child), tilesPath(parent))
				}
			}
		}
	}
	fmt.Printf("checkpoint ok: origin %s size %d root %s\n", verifier.Name(), tree.N, tree.Hash)
	fmt.Printf("entries ok: %d\n", checked)
	if *entry >= 0 {
		if *entry >= tree.N {
			return fmt.Errorf("entry %d is beyond the tree of %d", *entry, tree.N)
		}
		entries, err := readBundle(*dir, *entry/256, int(min64(256, tree.N-(*entry/256)*256)))
		if err != nil {
			return err
		}
		e := entries[*entry%256]
		proof, err := tlog.ProveRecord(tree.N, *entry, reader)
		if err != nil {
			return fmt.Errorf("inclusion proof: %v", err)
		}
		if err := tlog.CheckRecord(proof, tree.N, tree.Hash, *entry, tlog.RecordHash(e)); err != nil {
			return fmt.Errorf("inclusion of entry %d: %v", *entry, err)
		}
		fmt.Printf("inclusion ok: entry %d (%d bytes, %s)\n", *entry, len(e), bytes.SplitN(e, []byte(","), 2)[0])
	}
	if *old != "" {
		older, err := openCheckpoint(*old, verifier)
		if err != nil {
			return err
		}
		if older.N > tree.N {
			return fmt.Errorf("the older checkpoint (%d) is larger than the published one (%d)", older.N, tree.N)
		}
		proof, err := tlog.ProveTree(tree.N, older.N, reader)
		if err != nil {
			return fmt.Errorf("consistency proof: %v", err)
		}
		if err := tlog.CheckTree(proof, tree.N, tree.Hash, older.N, older.Hash); err != nil {
			return fmt.Errorf("consistency from %d: %v", older.N, err)
		}
		fmt.Printf("consistency ok: %d -> %d\n", older.N, tree.N)
	}
	return nil
}

// fullTileHash is the Merkle root of a full tile's 256 hashes.
func fullTileHash(data []byte) []byte {
	level := make([]tlog.Hash, len(data)/tlog.HashSize)
	for i := range level {
		copy(level[i][:], data[i*tlog.HashSize:])
	}
	for len(level) > 1 {
		next := make([]tlog.Hash, len(level)/2)
		for i := range next {
			next[i] = tlog.NodeHash(level[2*i], level[2*i+1])
		}
		level = next
	}
	return level[0][:]
}

func min64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tlogcheck:", err)
		os.Exit(1)
	}
}
