BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    $script:CtLeaves = @('', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f')
    $script:Tree = New-VmMerkleTree -Leaf $script:CtLeaves -Encoding Hex
    $script:Six = New-VmMerkleTree -Leaf $script:CtLeaves[0..5] -Encoding Hex
    $script:Big = New-VmMerkleTree -Leaf (1..100 | ForEach-Object { "leaf $_" })
}

Describe 'Get-VmConsistencyProof' {
    It 'returns the RFC 6962 reference proof from 6 to 8 leaves by parameter' {
        $proof = Get-VmConsistencyProof -Tree $script:Tree -FirstSize 6
        $proof.GetType().FullName | Should -Be 'VaultMesh.Core.Merkle.ConsistencyProof'
        $proof.FirstSize | Should -Be 6
        $proof.SecondSize | Should -Be 8
        $proof.FirstRoot | Should -BeExactly $script:Six.Root
        $proof.SecondRoot | Should -BeExactly $script:Tree.Root
        @($proof.Path) | Should -Be @(
            '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a'
            'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0'
            'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7')
    }

    It 'takes the tree from the pipeline' {
        $proof = $script:Big | Get-VmConsistencyProof -FirstSize 37
        $proof.FirstSize | Should -Be 37
        $proof.SecondSize | Should -Be 100
    }

    It 'has a table view' {
        $text = Get-VmConsistencyProof -Tree $script:Tree -FirstSize 6 | Format-Table | Out-String -Width 300
        $text | Should -Match 'FirstSize\s+SecondSize\s+PathLength\s+SecondRoot'
    }

    It 'rejects a first size above the tree size with VmMerkleSizeInvalid' {
        { Get-VmConsistencyProof -Tree $script:Tree -FirstSize 9 -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmMerkleSizeInvalid,VaultMesh.PowerShell.Commands.GetVmConsistencyProofCommand' -ExpectedMessage '*FirstSize 9*'
    }
}

Describe 'Test-VmConsistencyProof' {
    It 'is $true for every first size piped from Get-VmConsistencyProof' {
        $results = @(0..100 | ForEach-Object { Get-VmConsistencyProof -Tree $script:Big -FirstSize $_ } | Test-VmConsistencyProof)
        $results.Count | Should -Be 101
        $results | Should -Not -Contain $false
    }

    It 'verifies by parameter' {
        $p = Get-VmConsistencyProof -Tree $script:Tree -FirstSize 6
        Test-VmConsistencyProof -FirstSize 6 -SecondSize 8 -FirstRoot $script:Six.Root -SecondRoot $script:Tree.Root -Path $p.Path | Should -BeTrue
        Test-VmConsistencyProof -FirstSize 5 -SecondSize 8 -FirstRoot $script:Six.Root -SecondRoot $script:Tree.Root -Path $p.Path -ErrorAction SilentlyContinue | Should -BeFalse
    }

    It 'is $false for a tampered path and lets -FirstRoot override a piped proof' {
        $p = Get-VmConsistencyProof -Tree $script:Big -FirstSize 37
        $path = [string[]]$p.Path
        $path[0] = $path[0].Substring(0, 63) + $(if ($path[0][63] -eq '0') { '1' } else { '0' })
        Test-VmConsistencyProof -FirstSize 37 -SecondSize 100 -FirstRoot $p.FirstRoot -SecondRoot $p.SecondRoot -Path $path | Should -BeFalse
        $p | Test-VmConsistencyProof -FirstRoot $script:Six.Root | Should -BeFalse
        $p | Test-VmConsistencyProof -SecondRoot $script:Tree.Root | Should -BeFalse
        $p | ConvertTo-Json | ConvertFrom-Json | Test-VmConsistencyProof | Should -BeTrue
    }

    It 'shows the failing step with -Detailed' {
        $p = Get-VmConsistencyProof -Tree $script:Big -FirstSize 37
        $bad = $p | Test-VmConsistencyProof -SecondRoot $script:Tree.Root -Detailed
        $bad.Valid | Should -BeFalse
        $bad.ProofType | Should -Be 'Consistency'
        $bad.FailedCheck | Should -Be 'SecondRoot'
        $bad.Step | Should -Be 7
        $bad.ErrorId | Should -Be 'VmMerkleRootMismatch'
        ($p | Test-VmConsistencyProof -Detailed).Valid | Should -BeTrue
    }

    It 'reports sizes out of order as VmMerkleSizeInvalid and a wrong path length as VmMerkleProofInvalid' {
        $p = Get-VmConsistencyProof -Tree $script:Big -FirstSize 37
        { Test-VmConsistencyProof -FirstSize 100 -SecondSize 37 -FirstRoot $p.SecondRoot -SecondRoot $p.FirstRoot -Path $p.Path -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmMerkleSizeInvalid,VaultMesh.PowerShell.Commands.TestVmConsistencyProofCommand'
        $short = [string[]]($p.Path | Select-Object -SkipLast 1)
        { Test-VmConsistencyProof -FirstSize 37 -SecondSize 100 -FirstRoot $p.FirstRoot -SecondRoot $p.SecondRoot -Path $short -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmMerkleProofInvalid,VaultMesh.PowerShell.Commands.TestVmConsistencyProofCommand'
        $detail = Test-VmConsistencyProof -FirstSize 37 -SecondSize 100 -FirstRoot $p.FirstRoot -SecondRoot $p.SecondRoot -Path $short -Detailed -ErrorAction SilentlyContinue
        $detail.FailedCheck | Should -Be 'PathLength'
        $detail.Step | Should -Be 7
    }

    It 'rejects malformed hex with VmDigestInvalid' {
        $p = Get-VmConsistencyProof -Tree $script:Big -FirstSize 37
        { Test-VmConsistencyProof -FirstSize 37 -SecondSize 100 -FirstRoot 'abc' -SecondRoot $p.SecondRoot -Path $p.Path -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmDigestInvalid,VaultMesh.PowerShell.Commands.TestVmConsistencyProofCommand' -ExpectedMessage '*FirstRoot*odd number*'
    }
}
