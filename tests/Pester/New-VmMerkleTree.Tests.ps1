BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    # The RFC 6962 / certificate-transparency reference leaves and the roots of their prefixes.
    $script:CtLeaves = @('', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f')
    $script:CtRoot8 = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'
    $script:CtRoot5 = '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4'
    $script:EmptyRoot = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
}

Describe 'New-VmMerkleTree' {
    It 'builds the RFC 6962 reference tree from hex leaves by parameter' {
        $tree = New-VmMerkleTree -Leaf $script:CtLeaves -Encoding Hex
        # The core loads in its own load context, so its types are checked by name, not by type literal.
        $tree.GetType().FullName | Should -Be 'VaultMesh.Core.Merkle.MerkleTree'
        $tree.Size | Should -Be 8
        $tree.Root | Should -BeExactly $script:CtRoot8
    }

    It 'collects leaves from the pipeline into one tree' {
        $trees = @($script:CtLeaves[0..4] | New-VmMerkleTree -Encoding Hex)
        $trees.Count | Should -Be 1
        $trees[0].Size | Should -Be 5
        $trees[0].Root | Should -BeExactly $script:CtRoot5
    }

    It 'hashes UTF-8 leaves by default and Base64 leaves on request' {
        $utf8 = New-VmMerkleTree -Leaf 'alpha', 'beta', 'gamma'
        $b64 = 'alpha', 'beta', 'gamma' | ForEach-Object { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($_)) } |
            New-VmMerkleTree -Encoding Base64
        $b64.Root | Should -BeExactly $utf8.Root
        $leaf0 = [Security.Cryptography.SHA256]::HashData([byte[]](@(0) + [Text.Encoding]::UTF8.GetBytes('alpha')))
        $single = New-VmMerkleTree -Leaf 'alpha'
        $single.Root | Should -BeExactly ([Convert]::ToHexString($leaf0).ToLowerInvariant())
    }

    It 'builds the same tree from leaf hashes' {
        $hashes = $script:CtLeaves | ForEach-Object {
            $bytes = [Convert]::FromHexString($_)
            [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([byte[]](@(0) + $bytes))).ToLowerInvariant()
        }
        $tree = New-VmMerkleTree -LeafHash $hashes
        $tree.Root | Should -BeExactly $script:CtRoot8
        (New-VmMerkleTree -LeafHash ($hashes | ForEach-Object ToUpperInvariant)).Root | Should -BeExactly $script:CtRoot8
    }

    It 'gives the empty tree the root SHA-256("")' {
        (New-VmMerkleTree -Leaf @()).Root | Should -BeExactly $script:EmptyRoot
        (New-VmMerkleTree -LeafHash @()).Size | Should -Be 0
        (@() | New-VmMerkleTree).Root | Should -BeExactly $script:EmptyRoot
    }

    It 'has a table view with Size and Root' {
        $text = New-VmMerkleTree -Leaf $script:CtLeaves -Encoding Hex | Format-Table | Out-String -Width 200
        $text | Should -Match 'Size\s+Root'
        $text | Should -Match "8\s+$($script:CtRoot8)"
    }

    It 'rejects malformed leaf hashes with VmDigestInvalid naming the element' {
        $good = 'aa' * 32
        { New-VmMerkleTree -LeafHash $good, 'abc' -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmDigestInvalid,VaultMesh.PowerShell.Commands.NewVmMerkleTreeCommand' -ExpectedMessage "*LeafHash``[1``]*odd number*"
        { New-VmMerkleTree -LeafHash ('zz' * 32) -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmDigestInvalid,VaultMesh.PowerShell.Commands.NewVmMerkleTreeCommand' -ExpectedMessage '*not a hex digit*'
        { New-VmMerkleTree -LeafHash ('aa' * 31) -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmDigestInvalid,VaultMesh.PowerShell.Commands.NewVmMerkleTreeCommand' -ExpectedMessage '*31 bytes*'
    }

    It 'rejects malformed hex and Base64 leaves' {
        { New-VmMerkleTree -Leaf '00', '0' -Encoding Hex -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmHexInvalid,VaultMesh.PowerShell.Commands.NewVmMerkleTreeCommand'
        { 'AAAA', '***' | New-VmMerkleTree -Encoding Base64 -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmBase64Invalid,VaultMesh.PowerShell.Commands.NewVmMerkleTreeCommand'
    }

    It 'builds a 1,000,000-leaf tree from leaf hashes in one call' {
        # Leaf hashes come from one .NET pass over a contiguous buffer; a PowerShell loop would dominate the test.
        $n = 1000000
        $bytes = [byte[]]::new(32 * $n)
        [Security.Cryptography.RandomNumberGenerator]::Fill($bytes)
        $hex = [Convert]::ToHexString($bytes).ToLowerInvariant()
        $hashes = [string[]]::new($n)
        for ($i = 0; $i -lt $n; $i++) { $hashes[$i] = $hex.Substring(64 * $i, 64) }
        $tree = New-VmMerkleTree -LeafHash $hashes
        $tree.Size | Should -Be $n
        $tree.Root | Should -Match '^[0-9a-f]{64}$'
        # The root is compared with an independent RFC 9162 implementation in xunit; here proofs show the
        # tree holds every given hash at its index under that root.
        $proofs = @($tree | Get-VmInclusionProof -Index 0, 524287, 524288, 777777, ($n - 1))
        $proofs | ForEach-Object { $_.LeafHash | Should -BeExactly $hashes[$_.LeafIndex] }
        $proofs | Test-VmInclusionProof | Should -Not -Contain $false
        $tree | Get-VmConsistencyProof -FirstSize 500000 | Test-VmConsistencyProof | Should -BeTrue
    }
}

Describe 'New-VmMerkleTree progress' {
    BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

    It 'reports progress on a large tree and completes it' {
        $hashes = [string[]]::new(100000)
        $seed = [byte[]]::new(32)
        for ($i = 0; $i -lt $hashes.Length; $i++) {
            [BitConverter]::GetBytes($i).CopyTo($seed, 0)
            $hashes[$i] = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($seed))
        }
        $ps = [PowerShell]::Create()
        $null = $ps.AddCommand('Import-Module').AddArgument($script:ModulePath).AddStatement().AddCommand('New-VmMerkleTree').AddParameter('LeafHash', $hashes)
        $tree = $ps.Invoke()
        $tree[0].Size | Should -Be 100000
        $ps.Streams.Progress.Count | Should -BeGreaterOrEqual 2
        $ps.Streams.Progress[-1].RecordType | Should -Be 'Completed'
        $ps.Dispose()
    }
}
