BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    $script:CtLeaves = @('', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f')
    $script:Tree = New-VmMerkleTree -Leaf $script:CtLeaves -Encoding Hex
    $script:Big = New-VmMerkleTree -Leaf (1..100 | ForEach-Object { "leaf $_" })
}

Describe 'Get-VmInclusionProof' {
    It 'returns the RFC 6962 reference audit path by parameter' {
        $proof = Get-VmInclusionProof -Tree $script:Tree -Index 5
        $proof.GetType().FullName | Should -Be 'VaultMesh.Core.Merkle.InclusionProof'
        $proof.LeafIndex | Should -Be 5
        $proof.TreeSize | Should -Be 8
        $proof.Root | Should -BeExactly $script:Tree.Root
        @($proof.AuditPath) | Should -Be @(
            'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'
            'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0'
            'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7')
    }

    It 'takes the tree from the pipeline and several indexes' {
        $proofs = @($script:Big | Get-VmInclusionProof -Index 0, 50, 99)
        $proofs.LeafIndex | Should -Be @(0, 50, 99)
        $proofs | ForEach-Object { $_.TreeSize | Should -Be 100 }
    }

    It 'has a table view' {
        $text = Get-VmInclusionProof -Tree $script:Tree -Index 5 | Format-Table | Out-String -Width 300
        $text | Should -Match 'LeafIndex\s+TreeSize\s+PathLength\s+Root'
    }

    It 'rejects an index outside the tree with VmMerkleIndexOutOfRange' {
        { Get-VmInclusionProof -Tree $script:Tree -Index 8 -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmMerkleIndexOutOfRange,VaultMesh.PowerShell.Commands.GetVmInclusionProofCommand' -ExpectedMessage '*Index 8*8 leaves*'
        { Get-VmInclusionProof -Tree $script:Tree -Index -1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmMerkleIndexOutOfRange,VaultMesh.PowerShell.Commands.GetVmInclusionProofCommand'
    }

    It 'writes one error per bad index and still returns the good proofs' {
        $proofs = @(Get-VmInclusionProof -Tree $script:Tree -Index 1, 99, 2 -ErrorVariable errs -ErrorAction SilentlyContinue)
        $proofs.LeafIndex | Should -Be @(1, 2)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'VmMerkleIndexOutOfRange,VaultMesh.PowerShell.Commands.GetVmInclusionProofCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be 99
    }
}

Describe 'Test-VmInclusionProof' {
    It 'is $true for every proof piped from Get-VmInclusionProof' {
        $results = @($script:Big | Get-VmInclusionProof -Index (0..99) | Test-VmInclusionProof)
        $results.Count | Should -Be 100
        $results | Should -Not -Contain $false
    }

    It 'verifies by parameter' {
        $p = Get-VmInclusionProof -Tree $script:Big -Index 42
        Test-VmInclusionProof -LeafHash $p.LeafHash -LeafIndex 42 -TreeSize 100 -AuditPath $p.AuditPath -Root $p.Root | Should -BeTrue
        Test-VmInclusionProof -LeafHash $p.LeafHash -LeafIndex 43 -TreeSize 100 -AuditPath $p.AuditPath -Root $p.Root | Should -BeFalse
    }

    It 'verifies a one-leaf tree with an empty audit path' {
        $one = New-VmMerkleTree -Leaf 'only'
        $p = $one | Get-VmInclusionProof -Index 0
        @($p.AuditPath).Count | Should -Be 0
        Test-VmInclusionProof -LeafHash $p.LeafHash -LeafIndex 0 -TreeSize 1 -AuditPath @() -Root $one.Root | Should -BeTrue
    }

    It 'survives a JSON round trip' {
        $json = Get-VmInclusionProof -Tree $script:Big -Index 7 | ConvertTo-Json
        $json | ConvertFrom-Json | Test-VmInclusionProof | Should -BeTrue
    }

    It 'is $false for a tampered audit path, leaf hash or root' {
        $p = Get-VmInclusionProof -Tree $script:Big -Index 42
        $path = [string[]]$p.AuditPath
        $path[2] = $path[2].Substring(0, 63) + $(if ($path[2][63] -eq '0') { '1' } else { '0' })
        Test-VmInclusionProof -LeafHash $p.LeafHash -LeafIndex 42 -TreeSize 100 -AuditPath $path -Root $p.Root | Should -BeFalse
        Test-VmInclusionProof -LeafHash $p.Root -LeafIndex 42 -TreeSize 100 -AuditPath $p.AuditPath -Root $p.Root | Should -BeFalse
        $p | Test-VmInclusionProof -Root $script:Tree.Root | Should -BeFalse
    }

    It 'lets -Root override the root of a piped proof' {
        $p = Get-VmInclusionProof -Tree $script:Big -Index 3
        $p | Test-VmInclusionProof -Root $script:Big.Root | Should -BeTrue
        $p | Test-VmInclusionProof -Root $script:Tree.Root | Should -BeFalse
        $p | Test-VmInclusionProof -Root ('0x' + $script:Big.Root.ToUpperInvariant()) | Should -BeTrue
    }

    It 'shows the failing step with -Detailed' {
        $p = Get-VmInclusionProof -Tree $script:Big -Index 42
        $ok = $p | Test-VmInclusionProof -Detailed
        $ok.GetType().FullName | Should -Be 'VaultMesh.Core.Merkle.VerificationResult'
        $ok.Valid | Should -BeTrue
        $ok.FailedCheck | Should -BeNullOrEmpty

        $bad = $p | Test-VmInclusionProof -Root $script:Tree.Root -Detailed
        $bad.Valid | Should -BeFalse
        $bad.FailedCheck | Should -Be 'Root'
        $bad.Step | Should -Be 5
        $bad.ErrorId | Should -Be 'VmMerkleRootMismatch'
        $bad.Reason | Should -Match $script:Tree.Root

        $text = $bad | Format-Table | Out-String -Width 300
        $text | Should -Match 'ProofType\s+Valid\s+FailedCheck\s+Step\s+ErrorId\s+Reason'
    }

    It 'reports a wrong path length as VmMerkleProofInvalid and returns $false' {
        $p = Get-VmInclusionProof -Tree $script:Big -Index 42
        $short = [string[]]($p.AuditPath | Select-Object -SkipLast 1)
        $result = Test-VmInclusionProof -LeafHash $p.LeafHash -LeafIndex 42 -TreeSize 100 -AuditPath $short -Root $p.Root -ErrorVariable errs -ErrorAction SilentlyContinue
        $result | Should -BeFalse
        $errs[0].FullyQualifiedErrorId | Should -Be 'VmMerkleProofInvalid,VaultMesh.PowerShell.Commands.TestVmInclusionProofCommand'
        { Test-VmInclusionProof -LeafHash $p.LeafHash -LeafIndex 42 -TreeSize 100 -AuditPath $short -Root $p.Root -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmMerkleProofInvalid,VaultMesh.PowerShell.Commands.TestVmInclusionProofCommand' -ExpectedMessage '*PathLength*'
        $detail = Test-VmInclusionProof -LeafHash $p.LeafHash -LeafIndex 42 -TreeSize 100 -AuditPath $short -Root $p.Root -Detailed -ErrorAction SilentlyContinue
        $detail.FailedCheck | Should -Be 'PathLength'
        $detail.Step | Should -Be 5
    }

    It 'reports an index outside the tree as VmMerkleIndexOutOfRange' {
        $p = Get-VmInclusionProof -Tree $script:Big -Index 42
        { Test-VmInclusionProof -LeafHash $p.LeafHash -LeafIndex 100 -TreeSize 100 -AuditPath $p.AuditPath -Root $p.Root -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmMerkleIndexOutOfRange,VaultMesh.PowerShell.Commands.TestVmInclusionProofCommand'
    }

    It 'rejects malformed hex with VmDigestInvalid naming the field' {
        $p = Get-VmInclusionProof -Tree $script:Big -Index 42
        { Test-VmInclusionProof -LeafHash 'xyz' -LeafIndex 42 -TreeSize 100 -AuditPath $p.AuditPath -Root $p.Root -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmDigestInvalid,VaultMesh.PowerShell.Commands.TestVmInclusionProofCommand' -ExpectedMessage '*LeafHash*'
        $path = [string[]]$p.AuditPath
        $path[1] = 'g' * 64
        { Test-VmInclusionProof -LeafHash $p.LeafHash -LeafIndex 42 -TreeSize 100 -AuditPath $path -Root $p.Root -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmDigestInvalid,VaultMesh.PowerShell.Commands.TestVmInclusionProofCommand' -ExpectedMessage "*AuditPath``[1``]*"
    }
}
