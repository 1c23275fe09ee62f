using VaultMesh.Core.Tests.Schemas;

namespace VaultMesh.Core.Tests.Architecture;

/// <summary>
/// .editorconfig's 120 characters is the guide for every line; 150 is the line no source file under src/
/// crosses, so a reader never scrolls sideways to find the end of an argument list or a message.
/// </summary>
public sealed class LineLengthTests
{
    private const int Limit = 150;

    [Fact]
    public void No_source_line_is_longer_than_the_limit()
    {
        var source = Path.Combine(Fixtures.RepoRoot, "src");

        var (files, overLimit) = LongLines(source);

        Assert.True(files > 300, $"found only {files} source files under {source}");
        Assert.True(overLimit.Count == 0,
            $"{overLimit.Count} lines are over {Limit} characters (wrap them; the guide is 120):\n"
            + string.Join("\n", overLimit));
    }

    [Fact]
    public void The_check_names_the_file_and_line_of_a_long_line_and_ignores_build_output()
    {
        var directory = Directory.CreateTempSubdirectory("vm-lines-");
        try
        {
            File.WriteAllLines(Path.Combine(directory.FullName, "Wide.cs"), ["// short", new string('x', Limit + 1)]);
            File.WriteAllLines(Path.Combine(directory.FullName, "Edge.cs"), [new string('x', Limit)]);
            Directory.CreateDirectory(Path.Combine(directory.FullName, "obj"));
            File.WriteAllLines(Path.Combine(directory.FullName, "obj", "Generated.cs"), [new string('x', 400)]);

            var (files, overLimit) = LongLines(directory.FullName);

            Assert.Equal(2, files);
            Assert.Equal([$"Wide.cs:2: {Limit + 1} characters"], overLimit);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static (int Files, List<string> OverLimit) LongLines(string root)
    {
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "obj" or "bin"))
            .ToList();
        var overLimit = files
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(l => l.line.Length > Limit)
            .Select(l => $"{Path.GetRelativePath(root, l.file)}:{l.number}: {l.line.Length} characters")
            .ToList();
        return (files.Count, overLimit);
    }
}
