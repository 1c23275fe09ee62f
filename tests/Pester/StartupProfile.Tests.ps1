BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # A cache home whose startup profile holds bytes no runtime wrote: a pwsh that reads or rewrites
    # the profile changes them or adds another profile file beside it.
    function New-ProfileCache {
        $cache = New-VmTestHome
        $dir = New-Item -ItemType Directory -Path (Join-Path $cache 'powershell')
        $file = Join-Path $dir 'StartupProfileData-NonInteractive'
        [IO.File]::WriteAllText($file, 'written by the test: any pwsh that records a profile replaces this')
        [pscustomobject]@{ Home = $cache; File = $file; Bytes = [IO.File]::ReadAllBytes($file) }
    }

    function Get-ProfileState($Cache) {
        [pscustomobject]@{
            Unchanged = [Linq.Enumerable]::SequenceEqual([byte[]]$Cache.Bytes, [IO.File]::ReadAllBytes($Cache.File))
            Files     = @(Get-ChildItem -LiteralPath (Split-Path $Cache.File) -Filter 'StartupProfileData-*' | ForEach-Object Name)
        }
    }
}

# pwsh keeps one multicore-JIT startup profile per user and rewrites it without a lock; processes
# that end together can tear it, and then every pwsh of the user dies at start. What VaultMesh
# starts leaves it alone (docs/operations.md, "PowerShell's startup profile").
Describe "PowerShell's shared startup profile" {
    It 'is rewritten by a pwsh that runs with the profile on (so the checks below can see a write)' {
        $cache = New-ProfileCache
        $pwsh = Get-VmPwshCommandLine
        $r = Invoke-VmProcess -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Last ($pwsh.Count - 1)) + @('-NoProfile', '-NonInteractive', '-Command', '1')) `
            -Environment @{ XDG_CACHE_HOME = $cache.Home; DOTNET_MultiCoreJitMinNumCpus = '1' }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        (Get-ProfileState $cache).Unchanged | Should -BeFalse
    }

    It 'is neither read nor written by vm, the launcher every unit runs' {
        $cache = New-ProfileCache
        $r = Invoke-VmLauncher -ArgumentList 'status', 'show' -Environment @{
            VAULTMESH_HOME = (New-VmTestHome); XDG_CACHE_HOME = $cache.Home; DOTNET_MultiCoreJitMinNumCpus = $null
        }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $state = Get-ProfileState $cache
        $state.Unchanged | Should -BeTrue
        $state.Files | Should -Be @('StartupProfileData-NonInteractive')
    }

    It 'is neither read nor written by the fresh sessions the tests start, a few at a time' {
        $cache = New-ProfileCache
        $results = Invoke-VmChildPwshEach -Script (@('Get-VmStatus | Out-Null') * 3) -Environment @{ VAULTMESH_HOME = (New-VmTestHome); XDG_CACHE_HOME = $cache.Home }
        foreach ($r in $results) { $r.ExitCode | Should -Be 0 -Because $r.StdErr }
        $state = Get-ProfileState $cache
        $state.Unchanged | Should -BeTrue
        $state.Files | Should -Be @('StartupProfileData-NonInteractive')
    }
}
