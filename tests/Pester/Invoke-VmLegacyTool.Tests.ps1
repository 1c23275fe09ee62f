BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Cmd = 'VaultMesh.PowerShell.Commands.InvokeVmLegacyToolCommand'
    $script:Shim = Join-Path $script:RepoRoot 'ops/bin/remembrancer'
    $script:HealthCheck = Join-Path $script:RepoRoot 'ops/bin/health-check'

    function Invoke-Shim {
        param([string] $Path, [string[]] $ArgumentList)
        Invoke-VmProcess -FilePath 'bash' -ArgumentList (@($Path) + $ArgumentList) -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; VAULTMESH_MODULE = $script:ModulePath }
    }
}

Describe 'Invoke-VmLegacyTool' {
    BeforeEach {
        $env:VAULTMESH_HOME = New-VmTestHome
        $script:Work = New-VmTestHome
    }

    It 'returns exit code 127 when the tool is not in the working directory' {
        Push-Location $script:Work
        try {
            $result = Invoke-VmLegacyTool remembrancer list -ErrorAction SilentlyContinue -ErrorVariable failure
            $result.ExitCode | Should -Be 127
            $result.Command | Should -Be @('bash', 'ops/bin/remembrancer', 'list')
            $result.StdErr | Should -Match 'command not found'
            $failure[0].FullyQualifiedErrorId | Should -Be "VmLegacyToolMissing,$script:Cmd"
        }
        finally { Pop-Location }
    }

    It 'runs the tool with its arguments and returns command, exit code and output' {
        New-Item -ItemType Directory -Force -Path (Join-Path $script:Work 'ops/bin') | Out-Null
        Set-Content -LiteralPath (Join-Path $script:Work 'ops/bin/health-check') -Value 'echo "args: $*"; echo "profile: $VAULTMESH_PROFILE"; echo oops >&2; exit 4'
        Push-Location $script:Work
        try {
            $result = Invoke-VmLegacyTool -Name health-check -ArgumentList '--since', '2025-10-01' -Profile lab -ErrorAction SilentlyContinue -ErrorVariable failure
            $result.ExitCode | Should -Be 4
            $result.StdOut | Should -Be "args: --since 2025-10-01`nprofile: lab"
            $result.StdErr | Should -Be 'oops'
            $failure[0].FullyQualifiedErrorId | Should -Be "VmLegacyToolFailed,$script:Cmd"
        }
        finally { Pop-Location }
    }

    It 'binds the tool name from pipeline objects' {
        Push-Location $script:Work
        try {
            $result = [pscustomobject]@{ Name = 'health-check' } | Invoke-VmLegacyTool -ErrorAction SilentlyContinue
            $result.ExitCode | Should -Be 127
            $result.Command | Should -Be @('bash', 'ops/bin/health-check')
        }
        finally { Pop-Location }
    }

    It 'fails an unknown tool name with VmLegacyToolUnknown' {
        { Invoke-VmLegacyTool rm -ErrorAction Stop } | Should -Throw -ErrorId "VmLegacyToolUnknown,$script:Cmd"
    }

    It '-WhatIf runs nothing' {
        Set-Content -LiteralPath (Join-Path $script:Work 'spawn.sh') -Value "touch '$($script:Work)/ran'"
        Push-Location $script:Work
        try { Invoke-VmLegacyTool spawn.sh x -WhatIf | Should -BeNullOrEmpty }
        finally { Pop-Location }
        Join-Path $script:Work 'ran' | Should -Not -Exist
    }

    It 'vm legacy run passes the tool''s own options through and exits 1 on its failure' {
        New-Item -ItemType Directory -Force -Path (Join-Path $script:Work 'ops/bin') | Out-Null
        Set-Content -LiteralPath (Join-Path $script:Work 'ops/bin/remembrancer') -Value 'echo "$*"; exit 1'
        $psi = Invoke-VmProcess -FilePath 'bash' -ArgumentList @('-c', "cd '$($script:Work)' && '$(Join-Path $script:RepoRoot 'ops/bin/vm')' legacy run remembrancer record deploy --component api --version 1") -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; VAULTMESH_MODULE = $script:ModulePath }
        $psi.ExitCode | Should -Be 1
        $envelope = $psi.StdOut | ConvertFrom-Json
        $envelope.data.exitCode | Should -Be 1
        $envelope.data.stdOut | Should -Be 'record deploy --component api --version 1'
        $envelope.data.command | Should -Be @('bash', 'ops/bin/remembrancer', 'record', 'deploy', '--component', 'api', '--version', '1')
    }
}

Describe 'The legacy shims' {
    It 'are shellcheck-clean' {
        $out = & shellcheck $script:Shim $script:HealthCheck 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $out
    }
}

Describe 'The legacy shims against a store made by the module' {
    BeforeAll {
        $env:VAULTMESH_HOME = New-VmTestHome
        $script:Evidence = Join-Path $env:VAULTMESH_HOME 'api-1.4.2.tar.gz'
        Set-Content -LiteralPath $script:Evidence -Value 'release bits'
        $script:Sha = (Get-FileHash -Algorithm SHA256 $script:Evidence).Hash.ToLowerInvariant()
        Add-VmMemory -Type decision -Component db -Version 1 -Payload @{ text = 'why bash scripts? because' } | Out-Null
    }

    It 'record deploy records a deployment memory with the evidence hash (exit 0)' {
        $r = Invoke-Shim $script:Shim @('record', 'deploy', '--component', 'api', '--version', '1.4.2', '--sha256', $script:Sha, '--evidence', $script:Evidence)
        $r.ExitCode | Should -Be 0 -Because ($r.StdOut + $r.StdErr)
        $r.StdOut | Should -Match 'Deployment recorded'
        $memory = Get-VmMemory -Type deployment -Component api
        $r.StdOut | Should -Match ([regex]::Escape($memory.Id))
        $memory.ArtifactHash | Should -Be "sha256:$($script:Sha)"
    }

    It 'record deploy refuses a hash that the evidence file does not have (exit 1), recording nothing' {
        $r = Invoke-Shim $script:Shim @('record', 'deploy', '--component', 'web', '--version', '2', '--sha256', ('0' * 64), '--evidence', $script:Evidence)
        $r.ExitCode | Should -Be 1
        $r.StdOut | Should -Match 'SHA256 mismatch'
        Get-VmMemory -Component web | Should -BeNullOrEmpty
    }

    It 'record deploy with too few arguments prints the usage and exits 1' {
        $r = Invoke-Shim $script:Shim @('record', 'deploy', '--component', 'api')
        $r.ExitCode | Should -Be 1
        $r.StdOut | Should -Match 'Usage: remembrancer record deploy --component'
    }

    It 'query finds memories by text and exits 0 even when nothing matches' {
        $found = Invoke-Shim $script:Shim @('query', 'why', 'bash', 'scripts?')
        $found.ExitCode | Should -Be 0
        $found.StdOut | Should -Match 'db'
        $none = Invoke-Shim $script:Shim @('query', 'no such words')
        $none.ExitCode | Should -Be 0
        $none.StdOut | Should -Match 'No memories found matching'
    }

    It 'list deployments lists them; an unknown type exits 1' {
        $list = Invoke-Shim $script:Shim @('list', 'deployments')
        $list.ExitCode | Should -Be 0
        $list.StdOut | Should -Match 'api'
        $list.StdOut | Should -Not -Match '\bdb\b'
        $bad = Invoke-Shim $script:Shim @('list', 'widgets')
        $bad.ExitCode | Should -Be 1
        $bad.StdOut | Should -Match 'Unknown type: widgets'
    }

    It 'timeline --since shows entries from that date' {
        $r = Invoke-Shim $script:Shim @('timeline', '--since', '2020-01-01')
        $r.ExitCode | Should -Be 0
        $r.StdOut | Should -Match 'Showing entries since: 2020-01-01'
        $r.StdOut | Should -Match 'api'
    }

    It 'verify prints the hash and the memory naming it; a missing file exits 1' {
        $r = Invoke-Shim $script:Shim @('verify', $script:Evidence)
        $r.ExitCode | Should -Be 0
        $r.StdOut | Should -Match $script:Sha
        $r.StdOut | Should -Match 'Recorded in:'
        $missing = Invoke-Shim $script:Shim @('verify', '/nonexistent/file')
        $missing.ExitCode | Should -Be 1
        $missing.StdOut | Should -Match 'Artifact not found'
    }

    It 'receipt finds deploy/<component>/<version> and deploy/<component>-<version>; a missing one exits 0 with a warning' {
        $r = Invoke-Shim $script:Shim @('receipt', 'deploy/api/1.4.2')
        $r.ExitCode | Should -Be 0
        $r.StdOut | Should -Match 'Receipt found'
        (Invoke-Shim $script:Shim @('receipt', 'deploy/api-1.4.2')).StdOut | Should -Match 'Receipt found'
        $missing = Invoke-Shim $script:Shim @('receipt', 'deploy/nope/9')
        $missing.ExitCode | Should -Be 0
        $missing.StdOut | Should -Match 'Receipt not found'
        $missing.StdOut | Should -Match 'deploy/api/1.4.2'
    }

    It 'an unknown command exits 1; no command prints the usage and exits 0' {
        (Invoke-Shim $script:Shim @('frobnicate')).ExitCode | Should -Be 1
        $usage = Invoke-Shim $script:Shim @()
        $usage.ExitCode | Should -Be 0
        $usage.StdOut | Should -Match 'USAGE'
    }

    It 'health-check prints the audit in upstream''s shape and exits 0 on a healthy store, 1 when a check fails' {
        Invoke-VmSeal | Out-Null
        $ok = Invoke-Shim $script:HealthCheck @()
        $ok.ExitCode | Should -Be 0 -Because $ok.StdOut
        $ok.StdOut | Should -Match 'Passed: \d+'
        $ok.StdOut | Should -Match 'Failed: 0'
        $keys = Join-Path $env:VAULTMESH_HOME 'data/default/keys'
        New-Item -ItemType Directory -Force -Path $keys | Out-Null
        Set-Content -LiteralPath (Join-Path $keys 'node.key') -Value 'secret'
        [IO.File]::SetUnixFileMode((Join-Path $keys 'node.key'), [IO.UnixFileMode]'UserRead, UserWrite, OtherRead')
        $bad = Invoke-Shim $script:HealthCheck @()
        $bad.ExitCode | Should -Be 1
        $bad.StdOut | Should -Match '❌ key-files'
        $bad.StdOut | Should -Match 'Failed: 1'
    }
}
