# Malformed and hostile input through the cmdlets: every case ends in a VaultMesh error id or a
# normal invalid result, never a raw .NET exception, and nothing already stored is lost.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:ReceiptFixture = Join-Path $script:RepoRoot 'tests/fixtures/receipts/valid/evm-verified.json'
}

Describe 'Bad input through the cmdlets' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
    }

    It 'Test-VmReceipt -Json <Json> is an invalid result, not an exception' -ForEach @(
        @{ Json = '{"version":1e30}' }
        @{ Json = '1e29' }
        @{ Json = '{"chain":"\ud800"}' }
        @{ Json = '{"chain":"' + [char]0xD800 + '"}' }
        @{ Json = ('[' * 65) + (']' * 65) }
    ) {
        $result = Test-VmReceipt -Json $Json -Detailed -ErrorAction Stop
        $result.Valid | Should -BeFalse
        $result.Errors | Should -Not -BeNullOrEmpty
    }

    It 'Test-VmReceipt rejects a blockNumber of 1e20, which does not fit 64 bits' {
        $json = (Get-Content -Raw $script:ReceiptFixture) -replace '"blockNumber":\s*\d+', '"blockNumber": 1e20'
        $result = Test-VmReceipt -Json $json -Detailed
        $result.Valid | Should -BeFalse
        $result.Errors.Pointer | Should -Contain '/blockNumber'
    }

    It 'Test-VmProofBundle on 65 nested arrays fails its json check' {
        $result = Test-VmProofBundle -Json (('[' * 65) + (']' * 65)) -ErrorAction Stop
        $result.Valid | Should -BeFalse
    }

    It 'Add-VmMemory refuses a payload nested 64 deep with VmMemoryPayloadTooDeep and records nothing' {
        { Add-VmMemory -Type t -Component c -Version 1 -Payload (('[' * 64) + (']' * 64)) -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmMemoryPayloadTooDeep,VaultMesh.PowerShell.Commands.AddVmMemoryCommand'
        Get-VmMemory | Should -BeNullOrEmpty
    }

    It 'Set-VmConfiguration -Setting with key <Key> is refused with VmConfigurationSettingInvalid' -ForEach @(
        @{ Key = 'a..b'; Value = 1 }
        @{ Key = ''; Value = 1 }
        @{ Key = '.x'; Value = 1 }
        @{ Key = 'x'; Value = @{ a = 1 }; What = 'hashtable' }
        @{ Key = 'x'; Value = [datetime]'2026-01-01'; What = 'DateTime' }
        @{ Key = 'x'; Value = 1.5d; What = 'decimal' }
        @{ Key = 'x'; Value = [double]::NaN; What = 'NaN' }
        @{ Key = 'x'; Value = [char]'c'; What = 'char' }
    ) {
        { Set-VmConfiguration -Profile lab -Setting @{ $Key = $Value } -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmConfigurationSettingInvalid,VaultMesh.PowerShell.Commands.SetVmConfigurationCommand'
        Test-Path (Join-Path $env:VAULTMESH_HOME 'config.toml') | Should -BeFalse
    }

    It 'Set-VmConfiguration -DataDir with a NUL writes nothing, and the profile keeps working' {
        Set-VmConfiguration -Profile lab -Region eu
        $before = Get-Content -Raw (Join-Path $env:VAULTMESH_HOME 'config.toml')
        { Set-VmConfiguration -Profile lab -DataDir "a`0b" -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmConfigurationSettingInvalid,VaultMesh.PowerShell.Commands.SetVmConfigurationCommand'
        Get-Content -Raw (Join-Path $env:VAULTMESH_HOME 'config.toml') | Should -Be $before
        (Get-VmStatus -Profile lab).Profile | Should -Be 'lab'
    }

    It 'reports a malformed config.toml with file:line:col' {
        Set-Content -LiteralPath (Join-Path $env:VAULTMESH_HOME 'config.toml') -Value "# first`nprofiles = 5"
        $err = { Get-VmStatus -ErrorAction Stop } | Should -Throw -ErrorId 'VmConfigurationInvalid,VaultMesh.PowerShell.Commands.GetVmStatusCommand' -PassThru
        $err.Exception.Message | Should -Match 'config\.toml:2:1: '
    }

    It 'Import-VmMemory quarantines a poisoned first file with a reason and records the other 20' {
        $inbox = Join-Path $env:VAULTMESH_HOME 'data/default/harbinger/inbox'
        New-Item -ItemType Directory -Force -Path $inbox | Out-Null
        [IO.File]::WriteAllText((Join-Path $inbox '000.json'), '{"type":"t","component":"c","version":"1","payload":' + ('[' * 64) + (']' * 64) + '}')
        foreach ($i in 1..20) {
            [IO.File]::WriteAllText((Join-Path $inbox ('{0:000}.json' -f $i)), ('{{"type":"t","component":"c","version":"1.{0}"}}' -f $i))
        }
        $result = Import-VmMemory -ErrorVariable errs -ErrorAction SilentlyContinue
        $result.Recorded | Should -Be 20
        $result.Quarantined | Should -Be 1
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'VmHarbingerInvalid,VaultMesh.PowerShell.Commands.ImportVmMemoryCommand'
        Get-ChildItem $inbox -File | Should -BeNullOrEmpty
        $reason = Get-Content -Raw (Join-Path $env:VAULTMESH_HOME 'data/default/harbinger/quarantine/000.json.reason.json') | ConvertFrom-Json
        $reason.reason | Should -Be 'json-invalid'
    }
}

# Repeated byte order marks in front of every file a cmdlet reads: a result or a VaultMesh error id.
Describe 'Files behind repeated byte order marks' {
    BeforeAll {
        $script:Readers = @{
            'Test-VmReceipt -Path'      = { param($p) Test-VmReceipt -Path $p -Detailed }
            'Resolve-VmConflict -Path'  = { param($p) Resolve-VmConflict -Path $p }
            'Invoke-VmReplay -Path'     = { param($p) Invoke-VmReplay -Path $p }
            'Test-VmProofBundle -Path'  = { param($p) Test-VmProofBundle -Path $p }
            'Import-VmMemory (inbox)'   = { param($p) Import-VmMemory }
            'Get-VmStatus (config.toml)' = { param($p) Get-VmStatus }
        }
    }
    BeforeEach { $env:VAULTMESH_HOME = New-VmTestHome }

    It '<Reader> with <Boms> BOMs' -ForEach @(
        foreach ($boms in 2, 3) {
            foreach ($reader in 'Test-VmReceipt -Path', 'Resolve-VmConflict -Path', 'Invoke-VmReplay -Path', 'Test-VmProofBundle -Path',
                'Import-VmMemory (inbox)', 'Get-VmStatus (config.toml)') { @{ Reader = $reader; Boms = $boms } }
        }
    ) {
        $seed = switch -Wildcard ($Reader) {
            'Test-VmReceipt*' { Get-Content -Raw $script:ReceiptFixture }
            'Resolve-VmConflict*' { Get-Content -Raw $script:ReceiptFixture }
            'Invoke-VmReplay*' { Get-Content -Raw (Join-Path $script:RepoRoot 'tests/fixtures/replay/manifest.json') }
            'Test-VmProofBundle*' {
                Add-VmMemory -Type event -Component bom -Version 1 | Out-Null
                Invoke-VmSeal | Out-Null
                Get-Content -Raw (Get-VmMemory | Export-VmProofBundle -Path (Join-Path $env:VAULTMESH_HOME 'proofs')).Path
            }
            'Import-VmMemory*' { '{"type":"t","component":"c","version":"1"}' }
            'Get-VmStatus*' { "default_profile = `"lab`"`n[profiles.lab]`nregion = `"eu`"`n" }
        }
        $path = switch -Wildcard ($Reader) {
            'Import-VmMemory*' { Join-Path $env:VAULTMESH_HOME 'data/default/harbinger/inbox/000.json' }
            'Get-VmStatus*' { Join-Path $env:VAULTMESH_HOME 'config.toml' }
            default { Join-Path $env:VAULTMESH_HOME 'input.json' }
        }
        New-Item -ItemType Directory -Force -Path (Split-Path $path) | Out-Null
        [IO.File]::WriteAllBytes($path, [byte[]](@(@(0xEF, 0xBB, 0xBF) * $Boms) + [Text.Encoding]::UTF8.GetBytes($seed)))
        $errs = try { & $script:Readers[$Reader] $path 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } } catch { $_ }
        foreach ($e in @($errs)) {
            $e.FullyQualifiedErrorId | Should -BeLike 'Vm*' -Because $e.Exception.GetType().FullName
        }
    }
}

# Wildcard syntax errors on every wildcard filter: the cmdlet says VmWildcardInvalid, vm exits 2 with a usage line.
Describe 'Invalid wildcard patterns' {
    BeforeAll {
        # Every wildcard parameter of the module, with the vm form that binds it; a new one must be added here.
        $script:Filters = @(
            @{ Cmdlet = 'Get-VmMetric'; Parameter = 'Name'; Vm = { param($p) 'status', 'metrics', "--name=$p" } }
            @{ Cmdlet = 'Get-VmPeer'; Parameter = 'Name'; Vm = { param($p) 'federation', 'peers', 'list', $p } }
            @{ Cmdlet = 'Get-VmQuarantine'; Parameter = 'Name'; Vm = { param($p) 'federation', 'quarantine', $p } }
            @{ Cmdlet = 'Send-VmIntakeEvent'; Parameter = 'Path'; Vm = { param($p) 'harbinger', 'send', $p } }
        )
    }
    BeforeEach { $env:VAULTMESH_HOME = New-VmTestHome }

    It 'the list covers every parameter of the module that supports wildcards' {
        $found = foreach ($command in Get-Command -Module VaultMesh -CommandType Cmdlet) {
            foreach ($parameter in $command.Parameters.Values) {
                if ($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }) {
                    "$($command.Name) -$($parameter.Name)"
                }
            }
        }
        @($found | Sort-Object) | Should -Be @($script:Filters | ForEach-Object { "$($_.Cmdlet) -$($_.Parameter)" } | Sort-Object)
    }

    It '<Cmdlet> and its vm form refuse the pattern <Pattern> clearly' -ForEach @(
        foreach ($pattern in '[', 'a[') {
            @{ Cmdlet = 'Get-VmMetric'; Parameter = 'Name'; Pattern = $pattern }
            @{ Cmdlet = 'Get-VmPeer'; Parameter = 'Name'; Pattern = $pattern }
            @{ Cmdlet = 'Get-VmQuarantine'; Parameter = 'Name'; Pattern = $pattern }
            @{ Cmdlet = 'Send-VmIntakeEvent'; Parameter = 'Path'; Pattern = $pattern }
        }
    ) {
        $type = (Get-Command $Cmdlet).ImplementingType.FullName
        $arguments = @{ $Parameter = $Pattern; ErrorAction = 'Stop' }
        $err = { & $Cmdlet @arguments } | Should -Throw -ErrorId "VmWildcardInvalid,$type" -PassThru
        $err.Exception.Message | Should -Match ([regex]::Escape("-$Parameter '$Pattern'"))
        $vmArguments = & ($script:Filters | Where-Object Cmdlet -EQ $Cmdlet).Vm $Pattern
        $r = Invoke-VmLauncher -ArgumentList $vmArguments -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $r.ExitCode | Should -Be 2 -Because $r.StdErr
        $r.StdErr | Should -Match '^vm: .*wildcard.*Usage: vm '
    }

    It '<Cmdlet> takes a lone backtick as a pattern that matches nothing, with no raw exception' -ForEach @(
        @{ Cmdlet = 'Get-VmMetric' }, @{ Cmdlet = 'Get-VmPeer' }, @{ Cmdlet = 'Get-VmQuarantine' }
    ) {
        & $Cmdlet -Name '`' -ErrorAction Stop | Should -BeNullOrEmpty
    }
}
