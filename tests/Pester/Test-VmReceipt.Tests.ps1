BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    $script:Fixtures = Join-Path $script:RepoRoot 'tests/fixtures/receipts'
    $script:Expected = Get-Content -Raw (Join-Path $script:Fixtures 'expected-errors.json') | ConvertFrom-Json -AsHashtable
}

BeforeDiscovery {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $valid = Get-ChildItem (Join-Path $root 'tests/fixtures/receipts/valid') -Filter *.json | ForEach-Object { @{ Name = $_.Name } }
    $invalid = Get-ChildItem (Join-Path $root 'tests/fixtures/receipts/invalid') -Filter *.json | ForEach-Object { @{ Name = $_.Name } }
}

Describe 'Test-VmReceipt' {
    Context 'fixtures by -Path' {
        It 'accepts valid/<Name>' -ForEach $valid {
            Test-VmReceipt -Path (Join-Path $script:Fixtures "valid/$Name") | Should -BeTrue
        }

        It 'rejects invalid/<Name> with the expected kind and pointer' -ForEach $invalid {
            $path = Join-Path $script:Fixtures "invalid/$Name"
            Test-VmReceipt -Path $path | Should -BeFalse
            $result = Test-VmReceipt -Path $path -Detailed
            $want = $script:Expected[$Name]
            $result.Valid | Should -BeFalse
            $result.Source | Should -Be $path
            $result.Errors.Pointer | Should -Contain $want.pointer
            $result.Errors | ForEach-Object { $_.Kind.ToString() | Should -Be $want.kind }
        }
    }

    Context 'pipeline' {
        It 'binds FullName from Get-ChildItem, one boolean per file' {
            $files = Get-ChildItem (Join-Path $script:Fixtures 'valid') -Filter *.json
            $out = @($files | Test-VmReceipt)
            $out.Count | Should -Be $files.Count
            $out | Should -Not -Contain $false
            @(Get-ChildItem (Join-Path $script:Fixtures 'invalid') -Filter *.json | Test-VmReceipt) | Should -Not -Contain $true
        }

        It 'expands wildcards in -Path' {
            $out = @(Test-VmReceipt -Path (Join-Path $script:Fixtures 'valid/btc-*.json') -Detailed)
            $out.Count | Should -Be 5
            $out.Source | ForEach-Object { Split-Path -Leaf $_ } | Should -Be @('btc-failed.json', 'btc-pending.json', 'btc-reorged.json', 'btc-submitted.json', 'btc-verified.json')
        }

        It 'validates -Json from the pipeline' {
            $texts = @(
                Get-Content -Raw (Join-Path $script:Fixtures 'valid/evm-verified.json')
                Get-Content -Raw (Join-Path $script:Fixtures 'invalid/consistency-txscheme-mismatch.json')
                Get-Content -Raw (Join-Path $script:Fixtures 'valid/manifest-three-rails.json')
            )
            $texts | Test-VmReceipt | Should -Be @($true, $false, $true)
            Test-VmReceipt -Json $texts[0] | Should -BeTrue
        }

        It 'validates an object converted with ConvertTo-Json' {
            $receipt = Get-Content -Raw (Join-Path $script:Fixtures 'valid/tsa-verified.json') | ConvertFrom-Json
            $receipt | ConvertTo-Json -Depth 10 | Test-VmReceipt | Should -BeTrue
            $receipt.blockNumber = 3
            $result = $receipt | ConvertTo-Json -Depth 10 | Test-VmReceipt -Detailed
            $result.Errors.Pointer | Should -Be '/blockNumber'
            $result.Errors[0].Kind.ToString() | Should -Be 'Consistency'
        }
    }

    Context '-Detailed' {
        It 'lists a pointer and message for every error and tells the document kind' {
            $result = Test-VmReceipt -Path (Join-Path $script:Fixtures 'invalid/schema-manifest-invalid-receipt.json') -Detailed
            # The core lives in the module's own load context, so compare by name, not by [type].
            $result.GetType().FullName | Should -Be 'VaultMesh.Core.Schemas.ReceiptValidationResult'
            $result.Kind.ToString() | Should -Be 'BatchManifest'
            $result.Errors.Pointer | Should -Be '/receipts/1/root'
            $result.Errors[0].Message | Should -Match 'root'
        }

        It 'reports malformed JSON as a Json error with its position' {
            $result = Test-VmReceipt -Json '{"version": "1",' -Detailed
            $result.Source | Should -Be '<json>'
            $result.Errors[0].Kind.ToString() | Should -Be 'Json'
            $result.Errors[0].Message | Should -Match 'line 1, byte \d+'
        }

        It 'formats results and errors as tables' {
            $result = Test-VmReceipt -Path (Join-Path $script:Fixtures 'invalid/schema-version-number.json') -Detailed
            ($result | Format-Table | Out-String) | Should -Match 'Schema /version'
            ($result.Errors | Format-Table | Out-String) | Should -Match 'Pointer'
        }
    }

    Context 'errors' {
        It 'writes VmFileNotFound for a missing file and goes on with the next' {
            $missing = Join-Path $env:VAULTMESH_HOME 'no-such-receipt.json'
            $out = Test-VmReceipt -Path $missing, (Join-Path $script:Fixtures 'valid/btc-verified.json') -ErrorVariable err -ErrorAction SilentlyContinue
            $out | Should -Be $true
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be 'VmFileNotFound,VaultMesh.PowerShell.Commands.TestVmReceiptCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].Exception.Message | Should -BeLike "*$missing*"
            $err[0].TargetObject | Should -Be $missing
        }

        It 'writes VmFileNotFound for a wildcard that matches nothing' {
            Test-VmReceipt -Path (Join-Path $env:VAULTMESH_HOME 'none-*.json') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'VmFileNotFound,VaultMesh.PowerShell.Commands.TestVmReceiptCommand'
        }
    }

    Context 'VERIFY_ENFORCE' {
        It 'a verified but not finalized receipt fails when enforced and passes with VERIFY_ENFORCE=0' {
            $path = Join-Path $script:Fixtures 'invalid/consistency-verified-not-finalized.json'
            Test-VmReceipt -Path $path | Should -BeFalse
            $script = "Test-VmReceipt -Path '$path'"
            $off = Invoke-VmChildPwsh -Script $script -Environment @{ VERIFY_ENFORCE = '0'; VAULTMESH_HOME = $env:VAULTMESH_HOME; NO_COLOR = '1' }
            $off.StdErr | Should -BeNullOrEmpty
            $off.ExitCode | Should -Be 0
            $off.StdOut.Trim() | Should -Be 'True'
            $on = Invoke-VmChildPwsh -Script $script -Environment @{ VERIFY_ENFORCE = '1'; VAULTMESH_HOME = $env:VAULTMESH_HOME; NO_COLOR = '1' }
            $on.StdOut.Trim() | Should -Be 'False'
        }

        It 'other consistency rules still apply with VERIFY_ENFORCE=0' {
            $path = Join-Path $script:Fixtures 'invalid/consistency-txscheme-mismatch.json'
            $off = Invoke-VmChildPwsh -Script "Test-VmReceipt -Path '$path'" -Environment @{ VERIFY_ENFORCE = '0'; VAULTMESH_HOME = $env:VAULTMESH_HOME; NO_COLOR = '1' }
            $off.StdOut.Trim() | Should -Be 'False'
        }
    }

    Context 'coexistence with the JsonSchema.Net copy inside pwsh' {
        # pwsh's Test-Json uses the JsonSchema.Net it carries; ours lives in the module's own load
        # context. Both must work in one session whichever loads first.
        It 'Test-Json works <Order> Test-VmReceipt in the same session' -ForEach @(
            @{ Order = 'before'; TestJsonFirst = $true }
            @{ Order = 'after'; TestJsonFirst = $false }
        ) {
            $valid = Join-Path $script:Fixtures 'valid/manifest-three-rails.json'
            $invalid = Join-Path $script:Fixtures 'invalid/schema-datetime-month-13.json'
            $testJson = @'
"TJ-PASS=" + (Test-Json -Json '{"a":1}' -Schema '{"type":"object","required":["a"]}')
"TJ-FAIL=" + (Test-Json -Json '{"b":1}' -Schema '{"type":"object","required":["a"]}' -ErrorAction SilentlyContinue)
'@
            $ours = @"
"VM-PASS=" + (Test-VmReceipt -Path '$valid')
"VM-FAIL=" + (Test-VmReceipt -Path '$invalid')
"VM-ALC=" + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext((Test-VmReceipt -Path '$valid' -Detailed).GetType().Assembly).Name
"TJ-ALC=" + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext([Json.Schema.JsonSchema].Assembly).Name
"@
            $copies = '"JS-COPIES=" + @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq ''JsonSchema.Net'' }).Count'
            $script = if ($TestJsonFirst) { "$testJson`n$ours`n$testJson`n$copies" } else { "$ours`n$testJson`n$ours`n$copies" }
            $run = Invoke-VmChildPwsh -Script $script -Environment @{ VAULTMESH_HOME = $env:VAULTMESH_HOME; NO_COLOR = '1' }
            $run.StdErr | Should -BeNullOrEmpty
            $run.ExitCode | Should -Be 0
            $lines = $run.StdOut -split "`r?`n" | Where-Object { $_ }
            $lines | Where-Object { $_ -like 'TJ-PASS=*' } | Should -Not -Contain 'TJ-PASS=False'
            $lines | Where-Object { $_ -like 'TJ-PASS=*' } | Should -Contain 'TJ-PASS=True'
            $lines | Where-Object { $_ -like 'TJ-FAIL=*' } | Should -Not -Contain 'TJ-FAIL=True'
            $lines | Where-Object { $_ -like 'TJ-FAIL=*' } | Should -Contain 'TJ-FAIL=False'
            $lines | Where-Object { $_ -like 'VM-PASS=*' } | Should -Not -Contain 'VM-PASS=False'
            $lines | Where-Object { $_ -like 'VM-PASS=*' } | Should -Contain 'VM-PASS=True'
            $lines | Where-Object { $_ -like 'VM-FAIL=*' } | Should -Not -Contain 'VM-FAIL=True'
            $lines | Where-Object { $_ -like 'VM-FAIL=*' } | Should -Contain 'VM-FAIL=False'
            # Two copies of JsonSchema.Net really are loaded: ours in the module's context, pwsh's in the default one.
            $lines | Where-Object { $_ -like 'VM-ALC=*' } | Should -Contain 'VM-ALC=VaultMesh'
            $lines | Where-Object { $_ -like 'TJ-ALC=*' } | Should -Contain 'TJ-ALC=Default'
            $lines | Should -Contain 'JS-COPIES=2'
        }
    }
}
