# docs/settings.md is generated from the settings table (SettingCatalog) by the build: it must be what
# the build writes now, and the generator must refuse a key the code reads that the table lacks and a
# row that nothing reads.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:generator = Join-Path $script:RepoRoot 'build/New-VmSettingsDoc.ps1'
    $script:core = Join-Path (Split-Path $script:ModulePath) 'deps/VaultMesh.Core.dll'

    # Runs the generator in a fresh pwsh (it loads VaultMesh.Core on its own) and returns the result
    # with the text it wrote.
    function Invoke-SettingsDoc([string] $SourceRoot = $script:RepoRoot) {
        $out = Join-Path ([IO.Path]::GetTempPath()) ("vmsettings-" + [guid]::NewGuid().ToString('N') + '.md')
        $pwsh = Get-VmPwshCommandLine
        $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script:generator,
            '-CoreAssembly', $script:core, '-OutFile', $out, '-SourceRoot', $SourceRoot)
        $r = Invoke-VmProcess -FilePath $pwsh[0] -ArgumentList $arguments
        $text = if (Test-Path -LiteralPath $out) { Get-Content -Raw -LiteralPath $out } else { $null }
        Remove-Item -LiteralPath $out -ErrorAction SilentlyContinue
        $r | Add-Member -NotePropertyName Text -NotePropertyValue $text -PassThru
    }

    # A copy of the checkout's sources (src/**/*.cs and ops/bin/vm) that a test can then change.
    function New-SourceCopy {
        $root = New-VmTestHome
        foreach ($file in Get-ChildItem (Join-Path $script:RepoRoot 'src') -Recurse -File -Filter *.cs | Where-Object FullName -NotMatch '[\\/](obj|bin)[\\/]') {
            $target = Join-Path $root ([IO.Path]::GetRelativePath($script:RepoRoot, $file.FullName))
            New-Item -ItemType Directory -Force -Path (Split-Path $target) | Out-Null
            Copy-Item -LiteralPath $file.FullName -Destination $target
        }
        New-Item -ItemType Directory -Force -Path (Join-Path $root 'ops/bin') | Out-Null
        Copy-Item -LiteralPath (Join-Path $script:RepoRoot 'ops/bin/vm') -Destination (Join-Path $root 'ops/bin/vm')
        $root
    }
}

Describe 'docs/settings.md' {
    BeforeAll { $script:current = Invoke-SettingsDoc }

    It 'is what the build writes from the settings table (run build.ps1 -Task Build to refresh it)' {
        $script:current.ExitCode | Should -Be 0 -Because $script:current.StdErr
        $script:current.Text | Should -BeExactly (Get-Content -Raw (Join-Path $script:RepoRoot 'docs/settings.md'))
    }

    It 'documents the rail keys that name secrets and policies, with the code that reads them' {
        $script:current.Text | Should -Match '\| `rails\.evm\.key_env` \| environment variable name \| none \| EvmRailOptions \|'
        $script:current.Text | Should -Match '\| `rails\.btc\.password_env` \| environment variable name \| none \| BtcRailOptions \|'
        $script:current.Text | Should -Match '\| `rails\.tsa\.policy` \| dotted OID \| none \(any policy\) \| EvidenceVerifier, TsaRailOptions \|'
    }

    It 'finds a key read by its last part under the prefix of its own file, and only there' {
        $script:current.Text | Should -Match '\| `rails\.evm\.chain_id` \|[^\n]*\| EvmRailOptions \|'
        $script:current.Text | Should -Match '\| `rails\.btc\.timeout_seconds` \|[^\n]*\| BtcRailOptions \|'
    }
}

Describe 'The settings generator' {
    BeforeEach { $script:copy = New-SourceCopy }
    AfterEach { Remove-Item -LiteralPath $script:copy -Recurse -Force -ErrorAction SilentlyContinue }

    It 'fails on a profile key the code reads that the table does not list' {
        Set-Content -LiteralPath (Join-Path $script:copy 'src/VaultMesh.Core/Configuration/SneakyReader.cs') -Value @'
namespace VaultMesh.Core.Configuration;
internal static class SneakyReader
{
    public static string? Read(ProfileSettings settings) => settings.GetString("rails.tsa.undocumented_key");
}
'@
        $r = Invoke-SettingsDoc -SourceRoot $script:copy
        $r.ExitCode | Should -Not -Be 0
        $r.StdErr | Should -Match "SneakyReader reads 'rails\.tsa\.undocumented_key', which SettingCatalog does not list"
        $r.Text | Should -BeNullOrEmpty
    }

    It 'fails on an environment variable the code reads that the table does not list' {
        Set-Content -LiteralPath (Join-Path $script:copy 'src/VaultMesh.Core/Configuration/SneakyVariable.cs') -Value @'
namespace VaultMesh.Core.Configuration;
internal static class SneakyVariable
{
    public const string TokenVariable = "VAULTMESH_SECRET_TOKEN";
}
'@
        $r = Invoke-SettingsDoc -SourceRoot $script:copy
        $r.ExitCode | Should -Not -Be 0
        $r.StdErr | Should -Match "SneakyVariable reads 'VAULTMESH_SECRET_TOKEN', which SettingCatalog does not list"
    }

    It 'fails on a row that no code reads any more' {
        Remove-Item -LiteralPath (Join-Path $script:copy 'src/VaultMesh.Core/Anchoring/Tsa/TsaRailOptions.cs'), (Join-Path $script:copy 'src/VaultMesh.Core/Anchoring/EvidenceVerifier.cs')
        $r = Invoke-SettingsDoc -SourceRoot $script:copy
        $r.ExitCode | Should -Not -Be 0
        $r.StdErr | Should -Match "SettingCatalog lists 'rails\.tsa\.policy', which no code reads"
    }
}
