# Checkpoints signed with ML-DSA-44 (C2SP tlog-cosignature subtree/v1, type 0x06) beside Ed25519: the
# ML-DSA line verifies with @noble/post-quantum, a second implementation, over message bytes built
# here from the spec; -RequirePostQuantum fails closed; guardians show and take ML-DSA vkeys.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    foreach ($seal in 1..2) {
        1..$seal | ForEach-Object { Add-VmMemory -Type event -Component pq-test -Version "$seal.$_" } | Out-Null
        Invoke-VmSeal | Out-Null
    }
    $script:NobleModules = Join-Path (Split-Path (Split-Path $PSScriptRoot)) 'tools/noble-pq/node_modules'

    # cosigned_message of c2sp.org/tlog-cosignature, written out from the spec (not from VaultMesh's code).
    function New-SubtreeMessage {
        param([string] $Cosigner, [uint64] $Timestamp, [string] $Origin, [uint64] $Start, [uint64] $End, [byte[]] $Hash)
        $bytes = [Collections.Generic.List[byte]]::new()
        $bytes.AddRange([Text.Encoding]::ASCII.GetBytes("subtree/v1`n")); $bytes.Add(0)
        $name = [Text.Encoding]::UTF8.GetBytes($Cosigner); $bytes.Add([byte]$name.Length); $bytes.AddRange($name)
        $bigEndian = { param([uint64] $v) $b = [BitConverter]::GetBytes($v); [Array]::Reverse($b); , $b }
        $bytes.AddRange((& $bigEndian $Timestamp))
        $log = [Text.Encoding]::UTF8.GetBytes($Origin); $bytes.Add([byte]$log.Length); $bytes.AddRange($log)
        $bytes.AddRange((& $bigEndian $Start)); $bytes.AddRange((& $bigEndian $End)); $bytes.AddRange($Hash)
        , $bytes.ToArray()
    }

    function Invoke-Noble {
        param([object[]] $Cases)
        $lines = $Cases | ForEach-Object { @{ publicKey = [Convert]::ToHexString($_.PublicKey); message = [Convert]::ToHexString($_.Message); signature = [Convert]::ToHexString($_.Signature) } | ConvertTo-Json -Compress }
        $out = $lines | & node (Join-Path $PSScriptRoot 'MlDsaVerify.mjs') $script:NobleModules
        $LASTEXITCODE | Should -Be 0
        @($out)
    }
}

Describe 'ML-DSA-44 checkpoint signatures' {
    It 'signs each checkpoint with Ed25519 then ML-DSA-44 under the origin, and shows both vkeys' {
        $c = Get-VmCheckpoint
        $c.Vkey | Should -BeLike "$($c.Origin)+*+A*"
        $c.PostQuantumVkey | Should -BeLike "$($c.Origin)+*+B*"
        $lines = @($c.Note.TrimEnd("`n") -split "`n" | Where-Object { $_ -like '— *' })
        $lines.Count | Should -Be 2
        $lines[1] | Should -BeLike "— $($c.Origin) *"
        $key = Join-Path $env:VAULTMESH_HOME 'data/default/keys/node.mldsa44'
        (Get-Item $key).Length | Should -Be 32
        (Get-Item $key).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'verifies with @noble/post-quantum over the subtree/v1 message rebuilt from the spec, and not with one byte changed' {
        $c = Get-VmCheckpoint
        $line = ($c.Note.TrimEnd("`n") -split "`n")[-1]
        $bytes = [Convert]::FromBase64String($line.Split(' ')[2])
        $bytes.Length | Should -Be (4 + 8 + 2420)
        $vkey = [Convert]::FromBase64String($c.PostQuantumVkey.Split('+', 3)[2])
        $vkey[0] | Should -Be 6
        $publicKey = $vkey[1..1312]
        $timestamp = [Buffers.Binary.BinaryPrimitives]::ReadUInt64BigEndian([byte[]]$bytes[4..11])
        $timestamp | Should -BeGreaterThan 0
        $signature = [byte[]]$bytes[12..($bytes.Length - 1)]
        $message = New-SubtreeMessage -Cosigner $c.Origin -Timestamp $timestamp -Origin $c.Origin -Start 0 -End $c.Size -Hash ([Convert]::FromHexString($c.Root))
        $changedMessage = [byte[]]$message.Clone(); $changedMessage[-1] = $changedMessage[-1] -bxor 1
        $changedSignature = [byte[]]$signature.Clone(); $changedSignature[1000] = $changedSignature[1000] -bxor 1
        $otherEnd = New-SubtreeMessage -Cosigner $c.Origin -Timestamp $timestamp -Origin $c.Origin -Start 0 -End ($c.Size + 1) -Hash ([Convert]::FromHexString($c.Root))
        Invoke-Noble @(
            @{ PublicKey = $publicKey; Message = $message; Signature = $signature }
            @{ PublicKey = $publicKey; Message = $changedMessage; Signature = $signature }
            @{ PublicKey = $publicKey; Message = $message; Signature = $changedSignature }
            @{ PublicKey = $publicKey; Message = $otherEnd; Signature = $signature }
        ) | Should -Be @('valid', 'invalid', 'invalid', 'invalid')
    }

    It 'passes -RequirePostQuantum from the pipeline and fails closed with an Ed25519 vkey or without the ML-DSA line' {
        Get-VmCheckpoint | Test-VmCheckpoint -RequirePostQuantum | Should -BeTrue
        Test-VmCheckpoint -RequirePostQuantum | Should -BeTrue
        $c = Get-VmCheckpoint
        $detailed = Test-VmCheckpoint -Note $c.Note -Vkey $c.PostQuantumVkey -RequirePostQuantum -Detailed
        ($detailed.Checks | Where-Object Name -EQ noteSignature).Detail | Should -BeLike 'ML-DSA-44: *'
        $ed = Test-VmCheckpoint -Note $c.Note -Vkey $c.Vkey -RequirePostQuantum -Detailed
        $ed.Valid | Should -BeFalse
        $ed.FailedCheck | Should -Be 'postQuantum'
        $edOnly = ($c.Note.TrimEnd("`n") -split "`n")[0..4] -join "`n"
        Test-VmCheckpoint -Note "$edOnly`n" -Vkey $c.Vkey | Should -BeTrue
        Test-VmCheckpoint -Note "$edOnly`n" -Vkey $c.PostQuantumVkey -RequirePostQuantum | Should -BeFalse
    }
}

Describe 'ML-DSA-44 guardian keys' {
    It 'New-VmIdentity shows the ML-DSA vkey named by the did; Add-VmPeer takes it and Get-VmPeer shows it' {
        $saved = $env:VAULTMESH_HOME
        try {
            $env:VAULTMESH_HOME = New-VmTestHome
            $peer = New-VmIdentity
            $peer.PostQuantumVkey | Should -BeLike "$($peer.Did)+*+B*"
            $env:VAULTMESH_HOME = New-VmTestHome
            Add-VmPeer -Name p1 -Did $peer.Did -Endpoint 'http://127.0.0.1:9/' -PostQuantumVkey $peer.PostQuantumVkey
            Add-VmPeer -Name p2 -Did $peer.Did -Endpoint 'http://127.0.0.1:9/'
            (Get-VmPeer -Name p1).PostQuantumVkey | Should -BeExactly $peer.PostQuantumVkey
            (Get-VmPeer -Name p2).PostQuantumVkey | Should -BeNullOrEmpty
            { Add-VmPeer -Name p3 -Did $peer.Did -Endpoint 'http://127.0.0.1:9/' -PostQuantumVkey $peer.CosignerVKey -ErrorAction Stop } |
                Should -Throw -ExpectedMessage '*is an Ed25519 key*'
            $other = $peer.PostQuantumVkey -replace '^did:key:[^+]+', 'someone-else'
            { Add-VmPeer -Name p4 -Did $peer.Did -Endpoint 'http://127.0.0.1:9/' -PostQuantumVkey $other -ErrorAction Stop } |
                Should -Throw -ExpectedMessage '*invalid*'
        }
        finally {
            $env:VAULTMESH_HOME = $saved
        }
    }
}
