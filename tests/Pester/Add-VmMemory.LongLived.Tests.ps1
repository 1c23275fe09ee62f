# A runbook, the harbinger and the guardian call Add-VmMemory over and over in one process: the
# store's WAL must stay bounded however long that process lives.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Add-VmMemory in a long-lived process' {
    BeforeAll {
        $env:VAULTMESH_HOME = New-VmTestHome
    }

    It 'keeps the WAL under 4 MB over 2,000 calls in one pwsh' {
        $wal = Join-Path $env:VAULTMESH_HOME 'data/default/vaultmesh.db-wal'
        $largest = 0
        foreach ($i in 1..2000) {
            $null = Add-VmMemory -Type event -Component loop -Version "1.$i"
            if ($i % 50 -eq 0) { $largest = [math]::Max($largest, (Get-Item -LiteralPath $wal).Length) }
        }
        $largest | Should -BeLessThan 4MB
        (Get-VmStatus).MemoryCount | Should -Be 2000
    }
}
