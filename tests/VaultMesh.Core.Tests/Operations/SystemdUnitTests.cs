using VaultMesh.Core.Cli;
using VaultMesh.Core.Tests.Schemas;

namespace VaultMesh.Core.Tests.Operations;

/// <summary>The systemd units of the ops pack: they verify, run the installed vm with the profile, and keep the cadences.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SystemdUnitTests : IDisposable
{
    private readonly TempDirectory _home = new();
    private readonly string _runtime;

    public SystemdUnitTests()
    {
        // systemd-analyze checks that ExecStart's binary exists: give it the real launcher at the
        // place install puts it (%h/.local/bin/vm), in a HOME of the test's own.
        var bin = Path.Combine(_home.Path, ".local", "bin");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "vm"), Path.Combine(Fixtures.RepoRoot, "ops", "bin", "vm"));
        _runtime = Path.Combine(_home.Path, "runtime");
        Directory.CreateDirectory(_runtime);
        File.SetUnixFileMode(_runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public static TheoryData<string> UnitNames()
    {
        var data = new TheoryData<string>();
        foreach (var unit in OpsPack.Units)
        {
            data.Add(Path.GetFileName(unit));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(UnitNames))]
    public void Systemd_analyze_verify_passes_without_a_warning(string unit)
    {
        var (code, stdout, stderr) = Verify(Path.Combine(OpsPack.Systemd, unit));
        Assert.True(code == 0, $"exit {code}: {stdout}{stderr}");
        Assert.Equal("", stderr.Trim());
    }

    [Fact]
    public void The_pack_ships_the_four_timed_jobs_and_the_two_long_running_services()
    {
        var names = OpsPack.Units.Select(Path.GetFileName).ToList();
        foreach (var job in new[] { "harbinger", "sealer", "anchor-manager", "federation" })
        {
            Assert.Contains($"vaultmesh-{job}@.service", names);
            Assert.Contains($"vaultmesh-{job}@.timer", names);
        }
        Assert.Contains("vaultmesh-guardian@.service", names);
        Assert.Contains("vaultmesh-metrics@.service", names);
    }

    [Fact]
    public void A_unit_with_a_missing_binary_or_an_unknown_key_does_not_pass()
    {
        var broken = Path.Combine(_home.Path, "vaultmesh-broken@.service");
        File.WriteAllText(broken, File.ReadAllText(Path.Combine(OpsPack.Systemd, "vaultmesh-sealer@.service"))
            .Replace("%h/.local/bin/vm", "%h/.local/bin/no-such-vm", StringComparison.Ordinal));
        Assert.NotEqual(0, Verify(broken).ExitCode);
        var unknown = Path.Combine(_home.Path, "vaultmesh-unknown@.service");
        File.WriteAllText(unknown, File.ReadAllText(Path.Combine(OpsPack.Systemd, "vaultmesh-sealer@.service")) + "Bogus=1\n");
        Assert.Contains("Bogus", Verify(unknown).StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_service_runs_the_installed_vm_with_the_instance_as_profile_and_a_form_of_the_grammar()
    {
        // Forms that the federation capability adds; their units ship now and start working when it lands.
        var awaitingFederation = new HashSet<string>(StringComparer.Ordinal) { "federation sync", "guardian run" };
        foreach (var unit in OpsPack.Units.Where(u => u.EndsWith(".service", StringComparison.Ordinal)))
        {
            var exec = OpsPack.Value(unit, "Service", "ExecStart");
            Assert.StartsWith("%h/.local/bin/vm --profile %i ", exec, StringComparison.Ordinal);
            var words = exec["%h/.local/bin/vm --profile %i ".Length..].Split(' ');
            if (awaitingFederation.Contains(string.Join(' ', words)))
            {
                continue;
            }
            var domain = CommandGrammar.FindDomain(words[0]);
            Assert.NotNull(domain);
            var verb = Assert.Single(domain.Verbs, v => v.Verb == words[1]);
            foreach (var option in words[2..])
            {
                Assert.Contains(verb.Options, o => "--" + o.Name == option);
            }
        }
    }

    [Fact]
    public void Every_service_reads_the_profile_environment_file_and_is_hardened_but_may_write_its_data()
    {
        foreach (var unit in OpsPack.Units.Where(u => u.EndsWith(".service", StringComparison.Ordinal)))
        {
            Assert.Equal("-%h/.config/vaultmesh/%i.env", OpsPack.Value(unit, "Service", "EnvironmentFile"));
            Assert.Equal("yes", OpsPack.Value(unit, "Service", "NoNewPrivileges"));
            Assert.Equal("yes", OpsPack.Value(unit, "Service", "PrivateTmp"));
            Assert.Equal("strict", OpsPack.Value(unit, "Service", "ProtectSystem"));
            Assert.Contains("%h/.vaultmesh", OpsPack.Value(unit, "Service", "ReadWritePaths"), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("harbinger", "*:0/10", "oneshot")]
    [InlineData("sealer", "*:0/30", "oneshot")]
    [InlineData("anchor-manager", "hourly", "oneshot")]
    [InlineData("federation", "*:0/15", "oneshot")]
    public void Timed_jobs_are_oneshot_with_their_cadence_persistent_and_randomized(string job, string calendar, string type)
    {
        var service = Path.Combine(OpsPack.Systemd, $"vaultmesh-{job}@.service");
        var timer = Path.Combine(OpsPack.Systemd, $"vaultmesh-{job}@.timer");
        Assert.Equal(type, OpsPack.Value(service, "Service", "Type"));
        Assert.Equal(calendar, OpsPack.Value(timer, "Timer", "OnCalendar"));
        Assert.Equal("true", OpsPack.Value(timer, "Timer", "Persistent"));
        Assert.True(int.Parse(OpsPack.Value(timer, "Timer", "RandomizedDelaySec"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("timers.target", OpsPack.Value(timer, "Install", "WantedBy"));
    }

    [Theory]
    [InlineData("vaultmesh-guardian@.service")]
    [InlineData("vaultmesh-metrics@.service")]
    public void The_long_running_services_say_when_they_listen_and_restart_on_failure(string unit)
    {
        var path = Path.Combine(OpsPack.Systemd, unit);
        // READY=1 comes from the pwsh the launcher starts, not from the launcher itself.
        Assert.Equal("notify", OpsPack.Value(path, "Service", "Type"));
        Assert.Equal("all", OpsPack.Value(path, "Service", "NotifyAccess"));
        Assert.Equal("on-failure", OpsPack.Value(path, "Service", "Restart"));
    }

    public static TheoryData<string> DropIns()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(OpsPack.Systemd, "overrides"), "*.conf").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DropIns))]
    public void Each_kill_switch_drop_in_loads_cleanly_and_names_a_file_that_sets_one_switch(string dropIn)
    {
        var units = Path.Combine(_home.Path, "units");
        var dropInDir = Path.Combine(units, "vaultmesh-.service.d");
        Directory.CreateDirectory(dropInDir);
        File.Copy(Path.Combine(OpsPack.Systemd, "overrides", dropIn), Path.Combine(dropInDir, dropIn));
        var unit = Path.Combine(units, "vaultmesh-anchor-manager@.service");
        File.Copy(Path.Combine(OpsPack.Systemd, "vaultmesh-anchor-manager@.service"), unit);
        var (code, stdout, stderr) = Verify(unit, units);
        Assert.True(code == 0, $"exit {code}: {stdout}{stderr}");
        Assert.Equal("", stderr.Trim());

        var environmentFile = OpsPack.Value(Path.Combine(OpsPack.Systemd, "overrides", dropIn), "Service", "EnvironmentFile");
        Assert.StartsWith("%h/.config/vaultmesh/kill-switches/", environmentFile, StringComparison.Ordinal);
        var shipped = Path.Combine(OpsPack.Systemd, "overrides", "kill-switches", Path.GetFileName(environmentFile));
        var assignments = EnvironmentFile.Read(shipped);
        var (name, value) = Assert.Single(assignments);
        var expected = dropIn.EndsWith("-on.conf", StringComparison.Ordinal);
        Assert.Equal(expected, VaultMesh.Core.Configuration.KillSwitches.ParseFlag(value));
        Assert.Contains(name, new[] { "ANCHOR_WRITE_ENABLED", "FEDERATION_ENABLED", "VERIFY_ENFORCE" });
    }

    private (int ExitCode, string StdOut, string StdErr) Verify(string unit, string? unitPath = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = _home.Path,
            ["XDG_RUNTIME_DIR"] = _runtime,
        };
        if (unitPath is not null)
        {
            // The trailing colon keeps systemd's own search path after ours.
            environment["SYSTEMD_UNIT_PATH"] = unitPath + ":";
        }
        return OpsPack.Run("systemd-analyze", ["verify", "--user", unit], environment);
    }

    public void Dispose() => _home.Dispose();
}
