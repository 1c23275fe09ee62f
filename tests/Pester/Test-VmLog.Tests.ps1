BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Tessera = Join-Path $script:RepoRoot 'tests/fixtures/tessera-log'
    $script:TesseraVkey = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx'

    function Copy-TesseraLog {
        $dir = Join-Path (New-VmTestHome) 'tessera'
        Copy-Item -Recurse $script:Tessera $dir
        $dir
    }
}

Describe 'Test-VmLog' {
    BeforeEach { $env:VAULTMESH_HOME = New-VmTestHome }

    It 'verifies Tessera''s log fully from a directory, and remembers it' {
        $dir = Copy-TesseraLog
        $r = Test-VmLog -Url $dir -Vkey $script:TesseraVkey -Full
        $r.GetType().FullName | Should -Be 'VaultMesh.Core.Tiles.TiledLogVerification'
        $r.Origin | Should -Be 'example.com/log/testdata'
        $r.Size | Should -Be 15
        $r.EntriesChecked | Should -Be 15
        $r.PreviousSize | Should -BeNullOrEmpty
        $again = Test-VmLog -Url $dir -Vkey $script:TesseraVkey
        $again.PreviousSize | Should -Be 15
        $again.Consistent | Should -BeTrue
        ($r | Format-Table | Out-String) | Should -Match 'example.com/log/testdata\s+15'
    }

    It 'reads a directory relative to the PowerShell location' {
        $dir = Copy-TesseraLog
        Push-Location (Split-Path $dir)
        try { (Test-VmLog -Url ./tessera -Vkey $script:TesseraVkey).Size | Should -Be 15 }
        finally { Pop-Location }
    }

    It 'refuses a log with one byte changed in a bundle, naming the bundle' {
        $dir = Copy-TesseraLog
        $bundle = Join-Path $dir 'tile/entries/000.p/15'
        $bytes = [IO.File]::ReadAllBytes($bundle); $bytes[3] = $bytes[3] -bxor 1; [IO.File]::WriteAllBytes($bundle, $bytes)
        { Test-VmLog -Url $dir -Vkey $script:TesseraVkey -Full -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmTileBundleInvalid,VaultMesh.PowerShell.Commands.TestVmLogCommand' -ExpectedMessage '*tile/entries/000.p/15*entry 0 does not hash*'
    }

    It 'reports a rollback naming both checkpoints' {
        $dir = Copy-TesseraLog
        Test-VmLog -Url $dir -Vkey $script:TesseraVkey | Out-Null
        Copy-Item (Join-Path $dir 'checkpoint.9') (Join-Path $dir 'checkpoint') -Force
        { Test-VmLog -Url $dir -Vkey $script:TesseraVkey -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmLogRollback,VaultMesh.PowerShell.Commands.TestVmLogCommand' -ExpectedMessage '*size 9*size 15*'
    }

    It 'names a bad URL' {
        { Test-VmLog -Url 'ftp://example.org/log' -Vkey $script:TesseraVkey -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmTileLocationInvalid,VaultMesh.PowerShell.Commands.TestVmLogCommand' -ExpectedMessage "*'ftp://example.org/log'*"
    }

    It 'refuses another log''s vkey' {
        $dir = Copy-TesseraLog
        Add-VmMemory -Type event -Component api -Version 1 | Out-Null; Invoke-VmSeal | Out-Null
        { Test-VmLog -Url $dir -Vkey (Get-VmCheckpoint).Vkey -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmTileCheckpointRejected,VaultMesh.PowerShell.Commands.TestVmLogCommand'
    }

    It 'is vm memory verify-remote' {
        $dir = Copy-TesseraLog
        $r = Invoke-VmLauncher -ArgumentList @('memory', 'verify-remote', '--url', $dir, '--vkey', $script:TesseraVkey, '--full') -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME }
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        ($r.StdOut | ConvertFrom-Json).data.EntriesChecked | Should -Be 15
    }
}

Describe 'Get-VmLogEntry' {
    BeforeEach { $env:VAULTMESH_HOME = New-VmTestHome }

    It 'reads an entry of Tessera''s log with a verified inclusion proof' {
        $dir = Copy-TesseraLog
        $e = Get-VmLogEntry -Url $dir -Index 2 -Vkey $script:TesseraVkey
        [Text.Encoding]::UTF8.GetString($e.Bytes) | Should -BeExactly 'three'
        $e.Text | Should -BeNullOrEmpty
        $e.InclusionProof.Count | Should -Be 4
        Test-VmInclusionProof -LeafHash $e.LeafHash -LeafIndex 2 -TreeSize 15 -AuditPath $e.InclusionProof -Root $e.Root | Should -BeTrue
    }

    It 'uses the vkey Test-VmLog verified the origin with, and refuses without one' {
        $dir = Copy-TesseraLog
        { Get-VmLogEntry -Url $dir -Index 0 -ErrorAction Stop } | Should -Throw -ErrorId 'VmVkeyRequired,VaultMesh.PowerShell.Commands.GetVmLogEntryCommand'
        Test-VmLog -Url $dir -Vkey $script:TesseraVkey | Out-Null
        (0, 14 | Get-VmLogEntry -Url $dir | ForEach-Object { [Text.Encoding]::UTF8.GetString($_.Bytes) }) | Should -Be @('one', 'fivten')
    }

    It 'names an index beyond the checkpoint' {
        $dir = Copy-TesseraLog
        { Get-VmLogEntry -Url $dir -Index 15 -Vkey $script:TesseraVkey -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmLogEntryOutOfRange,VaultMesh.PowerShell.Commands.GetVmLogEntryCommand' -ExpectedMessage '*15 entries*no entry 15*'
    }
}

Describe 'Get-VmCheckpoint -AsLogListEntry' {
    BeforeEach { $env:VAULTMESH_HOME = New-VmTestHome }

    It 'prints the logs/v0 entry from log.qpd and log.contact' {
        Set-VmConfiguration -Setting @{ 'log.qpd' = 1440; 'log.contact' = 'ops@example.org' } | Out-Null
        Add-VmMemory -Type event -Component api -Version 1 | Out-Null; Invoke-VmSeal | Out-Null
        Get-VmCheckpoint -AsLogListEntry | Should -BeExactly "vkey $((Get-VmCheckpoint).Vkey)`nqpd 1440`ncontact ops@example.org`n"
    }

    It 'names the missing setting' {
        Add-VmMemory -Type event -Component api -Version 1 | Out-Null; Invoke-VmSeal | Out-Null
        { Get-VmCheckpoint -AsLogListEntry -ErrorAction Stop } | Should -Throw -ErrorId 'VmLogListSettingMissing,VaultMesh.PowerShell.Commands.GetVmCheckpointCommand' -ExpectedMessage '*log.qpd*'
    }

    It 'refuses a log.qpd that is not a positive whole number' {
        { Set-VmConfiguration -Setting @{ 'log.qpd' = 0 } -ErrorAction Stop } | Should -Throw -ExpectedMessage '*log.qpd*1 or more*'
        { Set-VmConfiguration -Setting @{ 'log.contact' = "two`nlines" } -ErrorAction Stop } | Should -Throw -ExpectedMessage '*log.contact*one line*'
    }
}
