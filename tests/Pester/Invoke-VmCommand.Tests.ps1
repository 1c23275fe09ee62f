BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Invoke-VmCommand (vm) in the session' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        Set-VmConfiguration -Profile lab -Region eu-west
    }

    It 'prints the JSON envelope by default and sets $LASTEXITCODE 0' {
        $json = vm status show
        $LASTEXITCODE | Should -Be 0
        $doc = $json | ConvertFrom-Json -DateKind String
        $doc.action | Should -Be 'status.show'
        $doc.ok | Should -BeTrue
        $doc.timestamp | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$'
        $doc.data.profile | Should -Be 'default'
        $doc.data.killSwitches | Should -HaveCount 3
    }

    It 'accepts global options in any position with the same output' {
        $a = vm status show --format table --profile lab
        $b = vm --profile lab --format table status show
        $a | Should -Be $b
        "$a" | Should -Match 'lab'
        "$a" | Should -Match 'VerifyEnforce'
    }

    It 'exits 2 with the valid choices on an unknown domain' {
        vm nosuch -ErrorVariable e -ErrorAction SilentlyContinue
        $LASTEXITCODE | Should -Be 2
        "$e" | Should -Match 'Valid domains: status, .*configure'
        $e[0].FullyQualifiedErrorId | Should -Be 'VmUsage,VaultMesh.PowerShell.Commands.InvokeVmCommandCommand'
    }

    It 'describes the grammar with vm help and vm <domain> --help' {
        (vm help) -join "`n" | Should -Match 'usage: vm <domain> <verb>'
        $LASTEXITCODE | Should -Be 0
        (vm configure --help) -join "`n" | Should -Match 'set\s+Create or update'
    }

    It 'vm help memory record shows the usage and the same text as Get-Help -Full of Add-VmMemory' {
        $text = (vm help memory record) -join "`n"
        $LASTEXITCODE | Should -Be 0
        $text | Should -Match 'vm memory record'
        $full = (Get-Help Add-VmMemory -Full | Out-String -Width 120).Trim()
        $text.EndsWith($full) | Should -BeTrue -Because $text
        $text | Should -Match 'Import-Csv deployments.csv \| Add-VmMemory'
    }

    It 'configures a profile with vm configure and shows it' {
        $r = vm configure set --profile lab --federation-endpoint 'https://a,https://b' --set rails.tsa.url=http://127.0.0.1:9 | ConvertFrom-Json
        $r.ok | Should -BeTrue
        $shown = vm configure show --profile lab | ConvertFrom-Json
        $shown.data | Should -HaveCount 1
        $shown.data[0].federationEndpoint | Should -Be @('https://a', 'https://b')
        $shown.data[0].settings.'rails.tsa.url' | Should -Be 'http://127.0.0.1:9'
    }

    It 'reports a failed action with ok false, the error id and exit code 1' {
        Set-Content -LiteralPath (Join-Path $env:VAULTMESH_HOME 'config.toml') -Value '[broken'
        $doc = vm status show | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 1
        $doc.ok | Should -BeFalse
        $doc.errors[0].id | Should -Be 'VmConfigurationInvalid'
    }
}

Describe 'vm usage errors from parameter binding' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
    }

    It 'exits 2 with the usage line of <Verb> for <Words>' -ForEach @(
        @{ Words = @('memory', 'record'); Verb = 'vm memory record'; Option = 'type' }
        @{ Words = @('memory', 'export-proof', 'sha256:00'); Verb = 'vm memory export-proof'; Option = 'path' }
        @{ Words = @('memory', 'query', '--first', '0'); Verb = 'vm memory query'; Option = 'first' }
        @{ Words = @('memory', 'query', '--first', '-1'); Verb = 'vm memory query'; Option = 'first' }
        @{ Words = @('memory', 'query', '--first', '99999999999'); Verb = 'vm memory query'; Option = 'first' }
        @{ Words = @('memory', 'seal', '--max-items', '-5'); Verb = 'vm memory seal'; Option = 'max-items' }
        @{ Words = @('memory', 'query', '--since', 'not-a-date'); Verb = 'vm memory query'; Option = 'since' }
        @{ Words = @('configure', 'set', '--set', 'a..b=1'); Verb = 'vm configure set'; Option = 'set' }
    ) {
        $out = vm @Words -ErrorVariable e -ErrorAction SilentlyContinue
        $LASTEXITCODE | Should -Be 2
        $out | Should -BeNullOrEmpty
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -Be 'VmUsage,VaultMesh.PowerShell.Commands.InvokeVmCommandCommand'
        $e[0].Exception.Message | Should -Match ([regex]::Escape("Usage: $Verb"))
        $e[0].Exception.Message | Should -Match ([regex]::Escape("--$Option"))
        Test-Path (Join-Path $env:VAULTMESH_HOME 'config.toml') | Should -BeFalse
    }
}

Describe 'ops/bin/vm launcher' {
    BeforeAll {
        $launcherHome = New-VmTestHome
    }

    It 'prints valid JSON with the envelope and exits 0' {
        $r = Invoke-VmLauncher -ArgumentList 'status', 'show' -Environment @{ VAULTMESH_HOME = $launcherHome }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $doc = $r.StdOut | ConvertFrom-Json
        $doc.action | Should -Be 'status.show'
        $doc.data.home | Should -Be $launcherHome
    }

    It 'gives the same table with global options before or after' {
        $env1 = @{ VAULTMESH_HOME = $launcherHome }
        $a = Invoke-VmLauncher -ArgumentList 'status', 'show', '--format', 'table', '--profile', 'lab' -Environment $env1
        $b = Invoke-VmLauncher -ArgumentList '--profile', 'lab', '--format', 'table', 'status', 'show' -Environment $env1
        $a.ExitCode | Should -Be 0
        $a.StdOut | Should -Be $b.StdOut
        $a.StdOut | Should -Match 'lab'
    }

    It 'exits 2 on an unknown domain and lists the valid ones on stderr' {
        $r = Invoke-VmLauncher -ArgumentList 'nosuch' -Environment @{ VAULTMESH_HOME = $launcherHome }
        $r.ExitCode | Should -Be 2
        $r.StdErr | Should -Match 'Valid domains'
    }

    It 'prints a usage error as one plain line, not a PowerShell error block' {
        $r = Invoke-VmLauncher -ArgumentList 'memory', 'query', '--first', '0' -Environment @{ VAULTMESH_HOME = $launcherHome }
        $r.ExitCode | Should -Be 2
        $r.StdOut | Should -BeNullOrEmpty
        $lines = @($r.StdErr -split "`r?`n" | Where-Object { $_ })
        $lines | Should -HaveCount 1
        $lines[0] | Should -Match '^vm: .*--first.*Usage: vm memory query'
        $r.StdErr | Should -Not -Match 'Line \|'
        $r.StdErr | Should -Not -Match 'vm\.ps1'
    }

    It 'exits 1 when the action fails' {
        $bad = New-VmTestHome
        Set-Content -LiteralPath (Join-Path $bad 'config.toml') -Value 'x = = 1'
        $r = Invoke-VmLauncher -ArgumentList 'status', 'show' -Environment @{ VAULTMESH_HOME = $bad }
        $r.ExitCode | Should -Be 1
        ($r.StdOut | ConvertFrom-Json).ok | Should -BeFalse
    }

    It 'shows FEDERATION_ENABLED=banana as off with a warning in the envelope' {
        $r = Invoke-VmLauncher -ArgumentList 'status', 'show' -Environment @{ VAULTMESH_HOME = $launcherHome; FEDERATION_ENABLED = 'banana'; VERIFY_ENFORCE = '0' }
        $doc = $r.StdOut | ConvertFrom-Json
        $doc.data.federationEnabled | Should -BeFalse
        $doc.warnings -join ' ' | Should -Match 'banana'
        $doc.data.verifyEnforce | Should -BeFalse
        $doc.data.verifyEnforceSource | Should -Be 'Environment'
    }
}
