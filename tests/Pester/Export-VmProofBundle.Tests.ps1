BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    $script:Memories = @(1..3 | ForEach-Object { Add-VmMemory -Type deployment -Component api -Version "1.$_" -Payload @{ n = $_; note = 'café' } -Tag prod })
    $script:Batch = Invoke-VmSeal
    $script:Pending = Add-VmMemory -Type decision -Component db -Version 9

    function New-OutDir { $d = Join-Path ([IO.Path]::GetTempPath()) ('vmout-' + [guid]::NewGuid().ToString('N')); New-Item -ItemType Directory -Path $d | Out-Null; $d }

    # Flips the lowest bit of the byte $Offset bytes into the first occurrence of $Needle (after $After, when given).
    function New-TamperedCopy([string] $Path, [string] $Needle, [string] $After = '', [int] $Offset = 1) {
        $bytes = [IO.File]::ReadAllBytes($Path)
        $text = [Text.Encoding]::UTF8.GetString($bytes)
        $start = if ($After) { $text.IndexOf($After, [StringComparison]::Ordinal) + $After.Length } else { 0 }
        $at = $text.IndexOf($Needle, $start, [StringComparison]::Ordinal)
        if ($at -lt 0) { throw "'$Needle' not in $Path" }
        $i = [Text.Encoding]::UTF8.GetByteCount($text.Substring(0, $at)) + $Offset
        $bytes[$i] = $bytes[$i] -bxor 1
        $copy = Join-Path (Split-Path $Path) ('tampered-' + [guid]::NewGuid().ToString('N') + '.json')
        [IO.File]::WriteAllBytes($copy, $bytes)
        $copy
    }

    $script:TsaReceiptFile = Join-Path (New-OutDir) 'tsa.json'
    $receipt = Get-Content -Raw (Join-Path $script:RepoRoot 'tests/fixtures/receipts/valid/tsa-verified.json') | ConvertFrom-Json
    $receipt.root = '0x' + $script:Batch.Root
    $receipt | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $script:TsaReceiptFile
}

Describe 'Export-VmProofBundle and Test-VmProofBundle' {
    Context 'export' {
        It 'writes one (id hex).proof.json per memory piped from Get-VmMemory' {
            $dir = New-OutDir
            $out = @(Get-VmMemory -BatchId $script:Batch.BatchId | Export-VmProofBundle -Path $dir)
            $out.Count | Should -Be 3
            $out[0].GetType().FullName | Should -Be 'VaultMesh.Core.ProofBundles.ProofBundleExport'
            foreach ($m in $script:Memories) {
                Join-Path $dir ($m.Id.Substring(7) + '.proof.json') | Should -Exist
            }
            $out.Path | ForEach-Object { Split-Path -Parent $_ } | Sort-Object -Unique | Should -Be (Resolve-Path $dir).Path
            $bundle = Get-Content -Raw $out[0].Path | ConvertFrom-Json
            $bundle.format | Should -Be 'vaultmesh.proof-bundle.v1'
            $bundle.batch.root | Should -Be $script:Batch.Root
            @($bundle.anchors).Count | Should -Be 0
        }

        It 'creates a missing -Path directory, refuses to overwrite a bundle without -Force, and refuses a file as -Path' {
            $dir = Join-Path (New-OutDir) 'new/proofs'
            $r = Export-VmProofBundle -Id $script:Memories[1].Id -Path $dir
            $r.Path | Should -Be (Join-Path $dir ($script:Memories[1].Id.Substring(7) + '.proof.json'))
            $r.LeafIndex | Should -Be 1
            $file = $r.Path
            Export-VmProofBundle -Id $script:Memories[1].Id -Path $dir -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -Be 'VmFileExists,VaultMesh.PowerShell.Commands.ExportVmProofBundleCommand'
            Export-VmProofBundle -Id $script:Memories[1].Id -Path $dir -Force | Out-Null
            (Test-VmProofBundle -Path $file -Detailed).MemoryId | Should -Be $script:Memories[1].Id
            Export-VmProofBundle -Id $script:Memories[2].Id -Path $file -ErrorVariable e2 -ErrorAction SilentlyContinue
            $e2[0].FullyQualifiedErrorId | Should -Be 'VmPathNotDirectory,VaultMesh.PowerShell.Commands.ExportVmProofBundleCommand'
        }

        It 'writes VmMemoryNotSealed for an unsealed memory and goes on with the next' {
            $dir = New-OutDir
            $out = @($script:Pending, $script:Memories[0] | Export-VmProofBundle -Path $dir -ErrorVariable e -ErrorAction SilentlyContinue)
            $out.Count | Should -Be 1
            $out[0].Id | Should -Be $script:Memories[0].Id
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -Be 'VmMemoryNotSealed,VaultMesh.PowerShell.Commands.ExportVmProofBundleCommand'
            $e[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            "$($e[0])" | Should -Match 'Invoke-VmSeal'
        }

        It 'writes nothing with -WhatIf' {
            $dir = New-OutDir
            $script:Memories | Export-VmProofBundle -Path $dir -WhatIf
            @(Get-ChildItem $dir).Count | Should -Be 0
        }

        It 'carries the receipts of -ReceiptPath that anchor the batch root' {
            $dir = New-OutDir
            $r = Export-VmProofBundle -Id $script:Memories[0].Id -Path $dir -ReceiptPath $script:TsaReceiptFile
            $r.AnchorCount | Should -Be 1
            $v = Test-VmProofBundle -Path $r.Path -Detailed
            $v.Valid | Should -BeTrue
            $v.Status.ToString() | Should -Be 'ProvenAnchorNotChecked'
            $v.AnchorCount | Should -Be 1
        }
    }

    Context 'verification' {
        BeforeAll {
            $script:Dir = New-OutDir
            $script:Files = @($script:Memories | Export-VmProofBundle -Path $script:Dir).Path
        }

        It 'verifies in a child process whose VAULTMESH_HOME is empty, and leaves that home empty' {
            $empty = New-VmTestHome
            $r = Invoke-VmChildPwsh -Environment @{ VAULTMESH_HOME = $empty; NO_COLOR = '1' } -Script @"
Test-VmProofBundle -Path '$(Join-Path $script:Dir '*.proof.json')'
(Test-VmProofBundle -Path '$($script:Files[1])' -Detailed).Status.ToString()
"@
            $r.ExitCode | Should -Be 0 -Because $r.StdErr
            $lines = @($r.StdOut -split "`r?`n" | Where-Object { $_ })
            $lines | Should -Be @('True', 'True', 'True', 'ProvenUnanchored')
            @(Get-ChildItem -LiteralPath $empty -Force -Recurse).Count | Should -Be 0
        }

        It 'binds the export output and Get-ChildItem output by property name' {
            @($script:Memories | Export-VmProofBundle -Path (New-OutDir) | Test-VmProofBundle) | Should -Be @($true, $true, $true)
            @(Get-ChildItem $script:Dir -Filter *.proof.json | Test-VmProofBundle) | Should -Be @($true, $true, $true)
            Get-Content -Raw $script:Files[0] | Test-VmProofBundle | Should -BeTrue
        }

        It 'returns False with a reason when a byte of the memory is changed' {
            $bad = New-TamperedCopy $script:Files[1] '"api"'
            Test-VmProofBundle -Path $bad | Should -BeFalse
            $v = Test-VmProofBundle -Path $bad -Detailed
            $v.FailedCheck | Should -Be 'id'
            $v.Reason | Should -Match 'content hashes to sha256:'
        }

        It 'returns False with a reason when a byte of the proof is changed' {
            # Leaf index 1 becomes 0: the audit path no longer leads to the root.
            $bad = New-TamperedCopy $script:Files[1] '"leafIndex": 1' -Offset 13
            $v = Test-VmProofBundle -Path $bad -Detailed
            $v.Valid | Should -BeFalse
            $v.FailedCheck | Should -Be 'inclusion'
            $v.Reason | Should -Not -BeNullOrEmpty
        }

        It 'returns False with a reason for malformed JSON and a wrong format version' {
            $v = Test-VmProofBundle -Json '{"format":' -Detailed
            $v.FailedCheck | Should -Be 'json'
            $v = (Get-Content -Raw $script:Files[0]).Replace('proof-bundle.v1', 'proof-bundle.v9') | Test-VmProofBundle -Detailed
            $v.FailedCheck | Should -Be 'format'
            $v.Reason | Should -Match 'v9'
        }

        It 'writes VmFileNotFound for a missing file' {
            Test-VmProofBundle -Path (Join-Path $script:Dir 'nope.proof.json') -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -Be 'VmFileNotFound,VaultMesh.PowerShell.Commands.TestVmProofBundleCommand'
        }

        It 'runs as vm memory export-proof and vm memory verify-proof, failing a tampered bundle with exit 1' {
            $dir = New-OutDir
            $doc = vm memory export-proof $script:Memories[0].Id --path $dir | ConvertFrom-Json
            $LASTEXITCODE | Should -Be 0
            $doc.action | Should -Be 'memory.export-proof'
            $file = Join-Path $dir ($script:Memories[0].Id.Substring(7) + '.proof.json')
            $file | Should -Exist
            $ok = vm memory verify-proof $file $script:Files[1] | ConvertFrom-Json
            $LASTEXITCODE | Should -Be 0
            $ok.data | Should -Be @($true, $true)
            $null = vm memory verify-proof (New-TamperedCopy $file '"1.1"') 2>$null
            $LASTEXITCODE | Should -Be 1
        }
    }

    Context 'with -Vkey or -Witness, and .tlog-proof files' {
        BeforeAll {
            $script:Vkey = (Get-VmCheckpoint).Vkey
            $script:TDir = New-OutDir
            $script:T = Export-VmProofBundle -Id $script:Memories[1].Id -Path $script:TDir
        }

        It 'fails a bundle whose log section was deleted, naming the vkey, where it answered ProvenUnanchored' {
            $node = [System.Text.Json.Nodes.JsonNode]::Parse((Get-Content -Raw $script:T.Path))
            $null = $node.AsObject().Remove('log')
            $v = Test-VmProofBundle -Json $node.ToJsonString() -Vkey $script:Vkey -Detailed
            $v.Valid | Should -BeFalse
            $v.FailedCheck | Should -Be 'log'
            $v.Reason | Should -Match ([regex]::Escape($script:Vkey.Split('+')[0]))
        }

        It 'refuses a -Witness list that names one public key twice, naming both entries' {
            # This node's cosigner key under another name: key ID = SHA-256(name || 0x0A || 0x04 || key)[:4].
            $id = New-VmIdentity
            $did = $id.Did
            $typedKey = $id.CosignerVKey.Split('+', 3)[2]   # the base64 key itself may hold '+'
            $name = 'witness.example/alias'
            $hash = [Security.Cryptography.SHA256]::HashData([byte[]]([Text.Encoding]::UTF8.GetBytes($name) + [byte[]](0x0A) + [Convert]::FromBase64String($typedKey)))
            $alias = '{0}+{1}+{2}' -f $name, [Convert]::ToHexString($hash, 0, 4).ToLowerInvariant(), $typedKey
            $err = $null
            try { Test-VmProofBundle -Path $script:T.Path -Witness $did, $alias -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'VmWitnessPolicyInvalid*'
            $err.Exception.Message | Should -Match ([regex]::Escape($alias))
        }

        It 'verifies the .tlog-proof beside the bundle against -Vkey, and refuses one without -Vkey' {
            $script:T.TlogProofPath | Should -Exist
            Test-VmProofBundle -Path $script:T.TlogProofPath -Vkey $script:Vkey | Should -BeTrue
            $v = Test-VmProofBundle -Path $script:T.TlogProofPath -Vkey $script:Vkey -Detailed
            $v.LogSize | Should -Be 3
            $v.LeafIndex | Should -Be 1
            Test-VmProofBundle -Path $script:T.TlogProofPath -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -Be 'VmVkeyRequired,VaultMesh.PowerShell.Commands.TestVmProofBundleCommand'
        }

        It 'takes the entry from -Leaf, and fails a malformed or unsupplied .tlog-proof with a clear reason' {
            $jcs = [System.Text.Json.Nodes.JsonNode]::Parse((Get-Content -Raw $script:T.Path))['leaf']['jcs'].GetValue[string]()
            $leaf = Join-Path $script:TDir 'entry.bin'
            [IO.File]::WriteAllBytes($leaf, [Text.Encoding]::UTF8.GetBytes($jcs))
            $other = Join-Path $script:TDir 'copy.tlog-proof'
            Copy-Item $script:T.TlogProofPath $other
            Test-VmProofBundle -Path $other -Vkey $script:Vkey -Leaf $leaf | Should -BeTrue
            [IO.File]::WriteAllText($other, (Get-Content -Raw $script:T.TlogProofPath).Replace("`n", "`r`n"))
            $v = Test-VmProofBundle -Path $other -Vkey $script:Vkey -Leaf $leaf -Detailed
            $v.FailedCheck | Should -Be 'tlogProof'
            $v.Reason | Should -Match 'carriage return'
            Test-VmProofBundle -Path $other -Vkey $script:Vkey -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -Be 'VmTlogProofLeafMissing,VaultMesh.PowerShell.Commands.TestVmProofBundleCommand'
        }
    }
}

Describe 'Export-VmBatchManifest' {
    It 'refuses an unanchored batch with VmBatchNotAnchored and writes nothing' {
        $dir = New-OutDir
        { Get-VmBatch | Export-VmBatchManifest -Path $dir -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmBatchNotAnchored,VaultMesh.PowerShell.Commands.ExportVmBatchManifestCommand'
        @(Get-ChildItem $dir).Count | Should -Be 0
    }

    It 'writes manifest and leaves with -AllowUnanchored and warns that it will not validate' {
        $dir = New-OutDir
        $r = Get-VmBatch | Export-VmBatchManifest -Path $dir -AllowUnanchored -WarningVariable w -WarningAction SilentlyContinue
        $r.Anchored | Should -BeFalse
        Join-Path $dir "$($script:Batch.BatchId).manifest.json" | Should -Exist
        Join-Path $dir "$($script:Batch.BatchId).leaves.ndjson" | Should -Exist
        "$w" | Should -Match 'will not validate'
        Test-VmReceipt -Path $r.ManifestPath | Should -BeFalse
        @(Get-Content $r.LeavesPath).Count | Should -Be 3
    }

    It 'writes a manifest that validates, with the batch metadata, from -BatchId and -ReceiptPath' {
        $dir = New-OutDir
        $r = Export-VmBatchManifest -BatchId $script:Batch.BatchId -Path $dir -ReceiptPath $script:TsaReceiptFile -SubmittedBy ops
        $r.Anchored | Should -BeTrue
        $r.ReceiptCount | Should -Be 1
        Test-VmReceipt -Path $r.ManifestPath | Should -BeTrue
        $m = Get-Content -Raw $r.ManifestPath | ConvertFrom-Json -DateKind String
        $m.metadata.root | Should -Be ('0x' + $script:Batch.Root)
        $m.metadata.size | Should -Be 3
        $m.metadata.leafEncoding | Should -Be 'jcs-memory-v1'
        $m.metadata.treeAlgorithm | Should -Be 'rfc6962-sha256'
        $m.submittedBy | Should -Be 'ops'
        # The leaves file is what the replay reads: its RFC 6962 root is the batch root.
        $hashes = Get-Content $r.LeavesPath | ForEach-Object {
            $bytes = [byte[]]@(0) + [Text.Encoding]::UTF8.GetBytes($_)
            [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)).ToLowerInvariant()
        }
        (New-VmMerkleTree -LeafHash $hashes).Root | Should -Be $script:Batch.Root
    }

    It 'writes VmFileNotFound for a missing -ReceiptPath' {
        { Export-VmBatchManifest -BatchId $script:Batch.BatchId -Path (New-OutDir) -ReceiptPath (Join-Path (New-OutDir) 'none.json') -ErrorAction Stop } |
            Should -Throw -ErrorId 'VmFileNotFound,VaultMesh.PowerShell.Commands.ExportVmBatchManifestCommand'
    }
}

Describe 'Get-VmTimeline' {
    It 'shows the memories, then their seal, then the pending memory, oldest first' {
        $t = @(Get-VmTimeline -Oldest)
        $t.Kind | ForEach-Object ToString | Should -Be @('Memory', 'Memory', 'Memory', 'Seal', 'Memory')
        $t[0..2].Id | Should -Be $script:Memories.Id
        $t[3].BatchId | Should -Be $script:Batch.BatchId
        $t[4].Id | Should -Be $script:Pending.Id
    }

    It 'is newest first by default, and honours -First and -Since' {
        $t = @(Get-VmTimeline)
        $t[0].Id | Should -Be $script:Pending.Id
        $t[1].Kind.ToString() | Should -Be 'Seal'
        @(Get-VmTimeline -First 2).Count | Should -Be 2
        @(Get-VmTimeline -Since $script:Batch.SealedAt -Oldest).Kind | ForEach-Object ToString | Should -Contain 'Seal'
        @(Get-VmTimeline -Since ([DateTimeOffset]::UtcNow.AddDays(1))).Count | Should -Be 0
    }

    It 'runs as vm memory timeline' {
        $doc = vm memory timeline --first 1 | ConvertFrom-Json
        $LASTEXITCODE | Should -Be 0
        @($doc.data).Count | Should -Be 1
        $doc.data[0].id | Should -Be $script:Pending.Id
    }
}
