BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Runs SQL on a store with the SQLite library the module already loaded (see Import-VmMemory.Tests.ps1).
    function Invoke-VmTestSql([string] $Path, [string[]] $Sql) {
        $sqlite = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' } | Select-Object -First 1
        $connection = [Activator]::CreateInstance($sqlite.GetType('Microsoft.Data.Sqlite.SqliteConnection', $true), [object[]]@("Data Source=$Path;Pooling=False"))
        $connection.Open()
        try {
            foreach ($statement in $Sql) {
                $command = $connection.CreateCommand()
                $command.CommandText = $statement
                $null = $command.ExecuteNonQuery()
            }
        }
        finally { $connection.Dispose() }
    }

    function New-SealedHome {
        $env:VAULTMESH_HOME = New-VmTestHome
        foreach ($seal in 1..10) {
            1..$seal | ForEach-Object { Add-VmMemory -Type event -Component log-test -Version "$seal.$_" } | Out-Null
            Invoke-VmSeal | Out-Null
        }
        Join-Path $env:VAULTMESH_HOME 'data/default/vaultmesh.db'
    }
}

Describe 'Test-VmCheckpoint' {
    Context 'the stored log' {
        BeforeAll { $script:db = New-SealedHome }

        It 'passes for a store with ten seals, and -Detailed names every check' {
            Test-VmCheckpoint | Should -BeTrue
            $r = Test-VmCheckpoint -Detailed
            $r.GetType().FullName | Should -Be 'VaultMesh.Core.Log.CheckpointVerification'
            $r.Checks.Name | Should -Be @('leaves', 'nodes', 'batches', 'batch-ends', 'roots', 'signatures', 'consistency', 'cosignatures', 'mirrors')
            $r.Size | Should -Be 55
        }

        It 'checks one note against its vkey when piped from Get-VmCheckpoint' {
            $results = @(Get-VmCheckpoint -All | Test-VmCheckpoint -ErrorAction Stop)
            $results.Count | Should -Be 10
            $results | Should -Not -Contain $false
        }

        It 'checks a note against an older one with the consistency proof from the store or given' {
            $old = Get-VmCheckpoint -Size 10
            $new = Get-VmCheckpoint
            Test-VmCheckpoint -Note $new.Note -Vkey $new.Vkey -OlderNote $old.Note | Should -BeTrue
            $path = (Get-VmConsistencyProof -FromSize 10 -ToSize 55).Path
            Test-VmCheckpoint -Note $new.Note -Vkey $new.Vkey -OlderNote $old.Note -ConsistencyProof $path | Should -BeTrue
            $bad = @($path[0] -replace '^.', { if ($_.Value -eq '0') { '1' } else { '0' } }) + @($path | Select-Object -Last ($path.Count - 1))
            $r = Test-VmCheckpoint -Note $new.Note -Vkey $new.Vkey -OlderNote $old.Note -ConsistencyProof $bad -Detailed
            $r.Valid | Should -BeFalse
            $r.FailedCheck | Should -Be 'consistency'
        }

        It 'fails a note changed by one byte, and a note checked against another vkey' {
            $c = Get-VmCheckpoint
            $changed = $c.Note.Replace("`n55`n", "`n56`n")
            (Test-VmCheckpoint -Note $changed -Vkey $c.Vkey -Detailed).FailedCheck | Should -Be 'noteSignature'
            $other = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
            Test-VmCheckpoint -Note $c.Note -Vkey $other | Should -BeFalse
        }

        It 'writes VmVkeyRequired for a note without a vkey' {
            { Test-VmCheckpoint -Note (Get-VmCheckpoint).Note -ErrorAction Stop } |
                Should -Throw -ErrorId 'VmVkeyRequired,VaultMesh.PowerShell.Commands.TestVmCheckpointCommand'
        }

        It 'writes VmVkeyInvalid for a vkey whose key ID does not match' {
            $c = Get-VmCheckpoint
            { Test-VmCheckpoint -Note $c.Note -Vkey ($c.Vkey -replace '\+[0-9a-f]{8}\+', '+00000000+') -ErrorAction Stop } |
                Should -Throw -ErrorId 'VmVkeyInvalid,VaultMesh.PowerShell.Commands.TestVmCheckpointCommand'
        }

        It 'is the vm memory verify-log form, exit code 0 when the log holds' {
            $r = Invoke-VmLauncher -ArgumentList @('memory', 'verify-log') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
            $r.ExitCode | Should -Be 0
            ($r.StdOut | ConvertFrom-Json).data | Should -BeTrue
        }
    }

    Context 'a tampered store' {
        It 'fails when a sealed leaf row is altered' {
            $db = New-SealedHome
            Invoke-VmTestSql $db @('DROP TRIGGER memories_append_only_update', "UPDATE memories SET payload = '{}', leaf = CAST('forged' AS BLOB) WHERE seq = 3")
            $r = Test-VmCheckpoint -Detailed
            $r.Valid | Should -BeFalse
            $r.FailedCheck | Should -Be 'leaves'
            $v = Invoke-VmLauncher -ArgumentList @('memory', 'verify-log') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
            $v.ExitCode | Should -Be 1
        }

        It 'fails when a sealed leaf row is deleted' {
            $db = New-SealedHome
            Invoke-VmTestSql $db @('DROP TRIGGER log_leaves_append_only_delete', 'DELETE FROM log_leaves WHERE log_index = 54')
            (Test-VmCheckpoint -Detailed).FailedCheck | Should -Be 'leaves'
        }

        It 'fails, and so does Invoke-VmAudit, when the checkpoint of the middle batch of three is deleted' {
            $env:VAULTMESH_HOME = New-VmTestHome
            foreach ($seal in 1..3) { Add-VmMemory -Type event -Component log-test -Version $seal | Out-Null; Invoke-VmSeal | Out-Null }
            Test-VmCheckpoint | Should -BeTrue
            Invoke-VmTestSql (Join-Path $env:VAULTMESH_HOME 'data/default/vaultmesh.db') @('DROP TRIGGER checkpoints_append_only_delete', 'DELETE FROM checkpoints WHERE size = 2')
            $r = Test-VmCheckpoint -Detailed
            $r.FailedCheck | Should -Be 'batch-ends'
            $r.Reason | Should -Match 'size 2\b'
            $audit = Invoke-VmAudit -Check log -ErrorAction SilentlyContinue -ErrorVariable failure
            $audit[0].Status | Should -Be 'fail'
            $audit[0].Detail | Should -Match 'size 2\b'
            $failure[0].FullyQualifiedErrorId | Should -Be 'VmAuditFailed,VaultMesh.PowerShell.Commands.InvokeVmAuditCommand'
        }

        It 'fails, and so does Invoke-VmAudit, when a stored leaf hash is zeroed' {
            $db = New-SealedHome
            Invoke-VmTestSql $db @('DROP TRIGGER log_nodes_append_only_update', 'UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 7')
            (Test-VmCheckpoint -Detailed).Reason | Should -Match 'log index 7\b'
            $audit = Invoke-VmAudit -Check log -ErrorAction SilentlyContinue
            $audit[0].Status | Should -Be 'fail'
            $audit[0].Detail | Should -Match 'log index 7\b'
        }

        It 'refuses to sign a checkpoint over a rewritten history' {
            $db = New-SealedHome
            Invoke-VmTestSql $db @('DROP TRIGGER log_nodes_append_only_update', 'UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 5 AND idx = 0')
            Add-VmMemory -Type event -Component log-test -Version after | Out-Null
            { Invoke-VmSeal -ErrorAction Stop } | Should -Throw -ErrorId 'VmCheckpointNotExtending,VaultMesh.PowerShell.Commands.InvokeVmSealCommand'
            (Get-VmCheckpoint).Size | Should -Be 55
        }
    }
}
