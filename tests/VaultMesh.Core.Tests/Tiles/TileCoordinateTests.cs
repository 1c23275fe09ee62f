using VaultMesh.Core.Tiles;

namespace VaultMesh.Core.Tests.Tiles;

public sealed class TileCoordinateTests
{
    [Theory]
    [InlineData(0L, "000")]
    [InlineData(5L, "005")]
    [InlineData(999L, "999")]
    [InlineData(1000L, "x001/000")]
    [InlineData(1234067L, "x001/x234/067")]
    public void An_index_is_encoded_as_three_digit_elements_prefixed_with_x_but_the_last(long index, string expected) =>
        Assert.Equal(expected, TileCoordinate.EncodeIndex(index));

    [Fact]
    public void A_tree_of_70000_entries_has_the_partial_tiles_the_spec_names()
    {
        // c2sp.org/tlog-tiles: a tree of size 70,000 has the partial tiles 0/273.p/112, 1/001.p/17 and 2/000.p/1.
        var tiles = TileCoordinate.Added(0, 70_000).Select(t => t.Path).ToList();
        Assert.Contains("tile/0/273.p/112", tiles);
        Assert.Contains("tile/1/001.p/17", tiles);
        Assert.Contains("tile/2/000.p/1", tiles);
        Assert.Contains("tile/entries/273.p/112", tiles);
        Assert.Contains("tile/0/272", tiles);
        Assert.Contains("tile/1/000", tiles);
        Assert.Equal(274 + 274 + 2 + 1, tiles.Count);
    }

    [Fact]
    public void Growing_a_log_adds_the_grown_edge_tiles_and_the_new_full_ones_only()
    {
        // Level 2 still holds one hash (70,300 >> 16 == 1): its tile is unchanged, so not rewritten.
        var added = TileCoordinate.Added(70_000, 70_300).Select(t => t.Path).ToList();
        Assert.Equal(
            ["tile/entries/273", "tile/entries/274.p/156", "tile/0/273", "tile/0/274.p/156", "tile/1/001.p/18"],
            added);
        Assert.Empty(TileCoordinate.Added(512, 512));
        Assert.Equal(["tile/entries/002.p/1", "tile/0/002.p/1"], TileCoordinate.Added(512, 513).Select(t => t.Path));
    }

    [Fact]
    public void A_tree_of_300000_entries_reaches_paths_with_an_x_element_and_three_levels()
    {
        var tiles = TileCoordinate.Added(0, 300_000).Select(t => t.Path).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("tile/0/x001/000", tiles);
        Assert.Contains("tile/entries/x001/171.p/224", tiles);
        Assert.Contains("tile/2/000.p/4", tiles);
    }

    [Theory]
    [InlineData("tile/0/x001/x234/067.p/8", false, 0, 1234067L, 8)]
    [InlineData("tile/entries/273.p/112", true, 0, 273L, 112)]
    [InlineData("tile/3/000", false, 3, 0L, 256)]
    public void A_path_parses_back_to_its_coordinate(string path, bool entries, int level, long index, int width)
    {
        Assert.True(TileCoordinate.TryParse(path, out var tile, out var reason), reason);
        Assert.Equal((entries, level, index, width), (tile.IsEntries, tile.Level, tile.Index, tile.Width));
        Assert.Equal(path, tile.Path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tile")]
    [InlineData("tiles/0/000")]
    [InlineData("tile/00/000")]
    [InlineData("tile/6/000")]
    [InlineData("tile/-1/000")]
    [InlineData("tile/0/1")]
    [InlineData("tile/0/0001")]
    [InlineData("tile/0/001/002")]
    [InlineData("tile/0/x000/002")]
    [InlineData("tile/0/000.p/0")]
    [InlineData("tile/0/000.p/256")]
    [InlineData("tile/0/000.p/08")]
    [InlineData("tile/0/000.p/")]
    [InlineData("tile/0/abc")]
    [InlineData("tile/0/x999/x999/x999/x999/x999/x999/x999/999")]
    public void A_path_the_spec_does_not_produce_is_refused_with_a_reason(string path)
    {
        Assert.False(TileCoordinate.TryParse(path, out _, out var reason));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void Covering_names_the_tile_that_holds_a_position()
    {
        Assert.Equal("tile/0/001.p/44", TileCoordinate.Covering(0, 299, 300).Path);
        Assert.Equal("tile/entries/000", TileCoordinate.Covering(-1, 7, 300).Path);
        Assert.Equal("tile/1/000.p/1", TileCoordinate.Covering(1, 0, 300).Path);
    }
}
