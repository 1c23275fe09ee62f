BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    $script:Leaves = @('alpha', 'beta', 'gamma', 'delta', 'epsilon')
    # RFC 6962 leaf hashes, SHA-256(0x00 || leaf), as lower-case hex in a PowerShell array (object[]).
    $script:Hashes = @($script:Leaves | ForEach-Object {
            $bytes = [byte[]](@(0) + [Text.Encoding]::UTF8.GetBytes($_))
            [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)).ToLowerInvariant()
        })
    $script:Root = (New-VmMerkleTree -Leaf $script:Leaves).Root
    $script:ErrorSuffix = ',VaultMesh.PowerShell.Commands.NewVmMerkleTreeCommand'
}

Describe 'New-VmMerkleTree -LeafHash binding of PowerShell arrays' {
    It 'keeps string[] as the parameter type and binds arrays through one transformation' {
        $property = (Get-Command New-VmMerkleTree).ImplementingType.GetProperty('LeafHash')
        $property.PropertyType | Should -Be ([string[]])
        $names = $property.GetCustomAttributes($true) | ForEach-Object { $_.GetType().Name }
        $names | Should -Contain 'StringArrayTransformationAttribute'
    }

    It 'gives an object[] of strings the root of the same leaves given with -Leaf' {
        $script:Hashes.GetType() | Should -Be ([object[]])
        (New-VmMerkleTree -LeafHash $script:Hashes).Root | Should -BeExactly $script:Root
        (New-VmMerkleTree -LeafHash ([string[]]$script:Hashes)).Root | Should -BeExactly $script:Root
    }

    It 'binds strings wrapped in PSObjects, as Get-Content and [psobject] give them, and a wrapped array' {
        $file = Join-Path $env:VAULTMESH_HOME 'hashes.txt'
        Set-Content -LiteralPath $file -Value $script:Hashes
        $read = Get-Content -LiteralPath $file
        $read[0].PSObject.Properties['PSPath'] | Should -Not -BeNullOrEmpty
        (New-VmMerkleTree -LeafHash $read).Root | Should -BeExactly $script:Root
        $wrapped = @($script:Hashes | ForEach-Object { [psobject]$_ })
        (New-VmMerkleTree -LeafHash $wrapped).Root | Should -BeExactly $script:Root
        (New-VmMerkleTree -LeafHash ([psobject]$script:Hashes)).Root | Should -BeExactly $script:Root
        $mixed = @($script:Hashes[0], [psobject]$script:Hashes[1]) + $script:Hashes[2..4]
        (New-VmMerkleTree -LeafHash $mixed).Root | Should -BeExactly $script:Root
    }

    It 'reads upper-case and prefixed hashes, bare or wrapped, as the same leaves' {
        $forms = @(
            $script:Hashes[0].ToUpperInvariant(),
            "0x$($script:Hashes[1])",
            "sha256:$($script:Hashes[2])",
            [psobject]"0X$($script:Hashes[3].ToUpperInvariant())",
            [psobject]$script:Hashes[4])
        (New-VmMerkleTree -LeafHash $forms).Root | Should -BeExactly $script:Root
    }

    It 'builds the empty tree from an empty array' {
        $tree = New-VmMerkleTree -LeafHash @()
        $tree.Size | Should -Be 0
        $tree.Root | Should -BeExactly 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    }

    It 'converts a non-string element as PowerShell does, so a bad one fails with the same error' {
        $first = $script:Hashes[0]
        $digest = "VmDigestInvalid$script:ErrorSuffix"
        { New-VmMerkleTree -LeafHash @($first, 5) -ErrorAction Stop } |
            Should -Throw -ErrorId $digest -ExpectedMessage "LeafHash``[1``] '5' *odd number*"
        { New-VmMerkleTree -LeafHash @($first, [pscustomobject]@{ a = 1 }) -ErrorAction Stop } |
            Should -Throw -ErrorId $digest -ExpectedMessage "LeafHash``[1``] '@{a=1}' *3 bytes long*"
        { New-VmMerkleTree -LeafHash @($first, [byte[]](1, 2)) -ErrorAction Stop } |
            Should -Throw -ErrorId "CannotConvertArgument$script:ErrorSuffix" -ExpectedMessage "*Byte``[``]*'LeafHash'*"
        { New-VmMerkleTree -LeafHash @($first, [psobject]'abc') -ErrorAction Stop } |
            Should -Throw -ErrorId $digest -ExpectedMessage "LeafHash``[1``] 'abc' *odd number*"
    }

    It 'refuses a $null or empty element as the binder does' {
        { New-VmMerkleTree -LeafHash @($script:Hashes[0], $null) -ErrorAction Stop } |
            Should -Throw -ErrorId "ParameterArgumentValidationErrorNullNotAllowed$script:ErrorSuffix"
        { New-VmMerkleTree -LeafHash @($script:Hashes[0], '') -ErrorAction Stop } |
            Should -Throw -ErrorId "ParameterArgumentValidationErrorEmptyStringNotAllowed$script:ErrorSuffix"
        { New-VmMerkleTree -LeafHash @($script:Hashes[0], [psobject]'') -ErrorAction Stop } |
            Should -Throw -ErrorId "ParameterArgumentValidationErrorEmptyStringNotAllowed$script:ErrorSuffix"
    }
}
