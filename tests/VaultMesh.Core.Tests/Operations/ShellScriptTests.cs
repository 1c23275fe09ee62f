using VaultMesh.Core.Tests.Schemas;

namespace VaultMesh.Core.Tests.Operations;

/// <summary>The shell scripts under ops/: shellcheck-clean, and the parts that need no module (usage, install).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ShellScriptTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "ops"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".sh", StringComparison.Ordinal) || File.ReadLines(f).FirstOrDefault()?.StartsWith("#!/usr/bin/env bash", StringComparison.Ordinal) == true)
            .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Fixtures.RepoRoot, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Shellcheck_passes(string script)
    {
        var (code, stdout, stderr) = OpsPack.Run("shellcheck", ["-x", script]);
        Assert.True(code == 0, stdout + stderr);
    }

    [Fact]
    public void Shellcheck_catches_an_unquoted_expansion()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.sh"), "#!/usr/bin/env bash\nrm $1\n");
        Assert.NotEqual(0, OpsPack.Run("shellcheck", [dir.File("bad.sh")]).ExitCode);
    }

    [Fact]
    public void The_pack_has_both_scripts()
    {
        Assert.True(File.Exists(Path.Combine(OpsPack.Scripts, "verify-anchor.sh")));
        Assert.True(File.Exists(Path.Combine(OpsPack.Scripts, "install-units.sh")));
    }

    [Theory]
    [InlineData("--format", "xml")]
    [InlineData("--profile")]
    [InlineData("--bogus")]
    [InlineData("--batch", "")]
    public void Verify_anchor_exits_2_on_a_usage_error_without_running_vm(params string[] arguments)
    {
        using var dir = new TempDirectory();
        // A vm that would leave a mark: a usage error must be caught before it runs.
        var vm = dir.File("vm");
        File.WriteAllText(vm, $"#!/usr/bin/env bash\ntouch '{dir.File("ran")}'\n");
        File.SetUnixFileMode(vm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (code, _, stderr) = OpsPack.Run("bash", [Path.Combine(OpsPack.Scripts, "verify-anchor.sh"), .. arguments], new Dictionary<string, string> { ["VAULTMESH_VM"] = vm });
        Assert.Equal(2, code);
        Assert.Contains("usage: verify-anchor.sh", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("ran")));
    }

    [Fact]
    public void Install_units_installs_the_units_and_env_file_and_uninstall_removes_them()
    {
        using var dir = new TempDirectory();
        var environment = new Dictionary<string, string> { ["HOME"] = dir.Path, ["XDG_CONFIG_HOME"] = dir.File("config") };
        var script = Path.Combine(OpsPack.Scripts, "install-units.sh");
        var (code, stdout, stderr) = OpsPack.Run("bash", [script, "lab"], environment);
        Assert.True(code == 0, stdout + stderr);
        var units = Path.Combine(dir.Path, "config", "systemd", "user");
        Assert.Equal(OpsPack.Units.Select(Path.GetFileName).Order(StringComparer.Ordinal), Directory.GetFiles(units).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var envFile = Path.Combine(dir.Path, "config", "vaultmesh", "lab.env");
        Assert.Contains("VAULTMESH_PROFILE=lab", File.ReadAllLines(envFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(envFile));
        Assert.True(File.Exists(Path.Combine(dir.Path, "config", "vaultmesh", "kill-switches", "anchor-write-off.env")));

        // A second install keeps the operator's edits.
        File.AppendAllText(envFile, "ANCHOR_WRITE_ENABLED=1\n");
        Assert.Equal(0, OpsPack.Run("bash", [script, "lab"], environment).ExitCode);
        Assert.Contains("ANCHOR_WRITE_ENABLED=1", File.ReadAllLines(envFile));

        // Uninstalling one of two profiles keeps the shared templates; the last one removes them.
        Assert.Equal(0, OpsPack.Run("bash", [script, "prod"], environment).ExitCode);
        Assert.Equal(0, OpsPack.Run("bash", [script, "lab", "--uninstall"], environment).ExitCode);
        Assert.False(File.Exists(envFile));
        Assert.NotEmpty(Directory.GetFiles(units));
        Assert.Equal(0, OpsPack.Run("bash", [script, "prod", "--uninstall"], environment).ExitCode);
        Assert.Empty(Directory.GetFiles(units));
    }

    [Theory]
    [InlineData()]
    [InlineData("../evil")]
    [InlineData("a", "b")]
    [InlineData("lab", "--force")]
    public void Install_units_exits_2_on_a_usage_error_and_writes_nothing(params string[] arguments)
    {
        using var dir = new TempDirectory();
        var environment = new Dictionary<string, string> { ["HOME"] = dir.Path, ["XDG_CONFIG_HOME"] = dir.File("config") };
        Assert.Equal(2, OpsPack.Run("bash", [Path.Combine(OpsPack.Scripts, "install-units.sh"), .. arguments], environment).ExitCode);
        Assert.False(Directory.Exists(dir.File("config")));
    }
}
