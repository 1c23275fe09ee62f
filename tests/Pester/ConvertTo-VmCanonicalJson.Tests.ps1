BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $env:VAULTMESH_HOME = New-VmTestHome
    $script:ErrorId = 'VmCanonicalJsonInvalid,VaultMesh.PowerShell.Commands.ConvertToVmCanonicalJsonCommand'
}

Describe 'ConvertTo-VmCanonicalJson' {
    Context 'Json parameter set' {
        It 'canonicalises JSON text given by parameter' {
            ConvertTo-VmCanonicalJson -Json '{ "b": [1.50, true], "a": "x" }' | Should -BeExactly '{"a":"x","b":[1.5,true]}'
        }

        It 'takes JSON text positionally' {
            ConvertTo-VmCanonicalJson '{"z":1e21,"y":-0}' | Should -BeExactly '{"y":0,"z":1e+21}'
        }

        It 'writes one canonical string per piped JSON text' {
            $out = '{"b":1,"a":2}', '[3, 2, 1]', '"\u00e9\u000A"' | ConvertTo-VmCanonicalJson
            $out | Should -HaveCount 3
            $out[0] | Should -BeExactly '{"a":2,"b":1}'
            $out[1] | Should -BeExactly '[3,2,1]'
            $out[2] | Should -BeExactly ('"' + [char]0xe9 + '\n"')
        }

        It 'reproduces the RFC 8785 sample' {
            $json = '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\u20ac$\u000F\u000aA''\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]}'
            $expected = '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"' + [char]0x20ac + '$\u000f\nA''B\"\\\\\"/"}'
            ConvertTo-VmCanonicalJson -Json $json | Should -BeExactly $expected
        }

        It 'declares a string output' {
            (Get-Command ConvertTo-VmCanonicalJson).OutputType.Type | Should -Contain ([string])
        }
    }

    Context 'InputObject parameter set' {
        It 'converts an ordered hashtable by parameter' {
            $value = [ordered]@{ zeta = 1; alpha = @(1, 'two', $null, $true); mid = @{ b = 2.5; a = -0.0 } }
            ConvertTo-VmCanonicalJson -InputObject $value | Should -BeExactly '{"alpha":[1,"two",null,true],"mid":{"a":0,"b":2.5},"zeta":1}'
        }

        It 'converts piped hashtables and PSCustomObjects' {
            $out = @{ b = 1; a = 'x' }, [pscustomobject]@{ Name = 'n'; Count = 3; Tags = @('t1', 't2') } | ConvertTo-VmCanonicalJson
            $out | Should -HaveCount 2
            $out[0] | Should -BeExactly '{"a":"x","b":1}'
            $out[1] | Should -BeExactly '{"Count":3,"Name":"n","Tags":["t1","t2"]}'
        }

        It 'converts primitive values' {
            ConvertTo-VmCanonicalJson -InputObject 42 | Should -BeExactly '42'
            ConvertTo-VmCanonicalJson -InputObject 0.1 | Should -BeExactly '0.1'
            ConvertTo-VmCanonicalJson -InputObject $true | Should -BeExactly 'true'
            ConvertTo-VmCanonicalJson -InputObject $null | Should -BeExactly 'null'
            ConvertTo-VmCanonicalJson -InputObject ([datetime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)) | Should -BeExactly '"2024-01-02T03:04:05.0000000Z"'
        }

        It 'converts an array as one JSON array' {
            ConvertTo-VmCanonicalJson -InputObject @(3, @{ k = 'v' }, 'x') | Should -BeExactly '[3,{"k":"v"},"x"]'
        }

        It 'gives the same text for the same content in any key order' {
            $a = ConvertTo-VmCanonicalJson -InputObject ([ordered]@{ a = 1; b = @{ d = 1; c = 2 } })
            $b = ConvertTo-VmCanonicalJson -InputObject ([ordered]@{ b = [ordered]@{ c = 2; d = 1 }; a = 1 })
            $a | Should -BeExactly $b
            $a | Should -BeExactly (ConvertTo-VmCanonicalJson -Json '{"b":{"d":1,"c":2},"a":1}')
        }
    }

    Context 'Hash switch' {
        It 'writes the sha256: digest of the canonical bytes' {
            $canonical = '{"a":null,"b":[1,"x"]}'
            $bytes = [Text.Encoding]::UTF8.GetBytes($canonical)
            $expected = 'sha256:' + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)).ToLowerInvariant()
            ConvertTo-VmCanonicalJson -Json '{ "b": [1.0, "x"], "a": null }' -Hash | Should -BeExactly $expected
            ConvertTo-VmCanonicalJson -InputObject ([ordered]@{ b = @(1, 'x'); a = $null }) -Hash | Should -BeExactly $expected
        }
    }

    Context 'errors' {
        It 'rejects a duplicate key with the pinned error id' {
            { ConvertTo-VmCanonicalJson -Json '{"a":1,"a":2}' -ErrorAction Stop } | Should -Throw -ErrorId $script:ErrorId
        }

        It 'says where the problem is' {
            $err = $null
            ConvertTo-VmCanonicalJson -Json "{`"a`": [0, {`"b`": 1,`n`"b`": 2}]}" -ErrorAction SilentlyContinue -ErrorVariable err
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly $script:ErrorId
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $err[0].Exception.Message | Should -Match ([regex]::Escape('$.a[1].b (line 2'))
            $err[0].Exception.Path | Should -BeExactly '$.a[1].b'
            $err[0].TargetObject | Should -BeExactly "{`"a`": [0, {`"b`": 1,`n`"b`": 2}]}"
        }

        It 'rejects <Name>' -ForEach @(
            @{ Name = 'a lone surrogate escape'; Json = '["\ud800"]'; Message = 'lone surrogate' }
            @{ Name = 'a number out of the double range'; Json = '{"n":1e400}'; Message = 'outside the range' }
            @{ Name = 'invalid JSON'; Json = '{"a":}'; Message = 'invalid JSON' }
            @{ Name = 'empty text'; Json = ''; Message = 'invalid JSON' }
        ) {
            { ConvertTo-VmCanonicalJson -Json $Json -ErrorAction Stop } | Should -Throw -ErrorId $script:ErrorId -ExpectedMessage "*$Message*"
        }

        It 'rejects non-finite numbers in objects' {
            { ConvertTo-VmCanonicalJson -InputObject @{ x = [double]::NaN } -ErrorAction Stop } | Should -Throw -ErrorId $script:ErrorId
            { ConvertTo-VmCanonicalJson -InputObject @([double]::PositiveInfinity) -ErrorAction Stop } | Should -Throw -ErrorId $script:ErrorId
        }

        It 'rejects keys that collide once converted to strings' {
            $colliding = @{}
            $colliding[1] = 'int'
            $colliding['1'] = 'string'
            { ConvertTo-VmCanonicalJson -InputObject $colliding -ErrorAction Stop } | Should -Throw -ErrorId $script:ErrorId
        }

        It 'lets later pipeline items through after a non-terminating error (Json set)' {
            $err = $null
            $out = '{"b":1,"a":1}', '{"a":1,"a":1}', '[true]' | ConvertTo-VmCanonicalJson -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -Be @('{"a":1,"b":1}', '[true]')
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly $script:ErrorId
        }

        It 'lets later pipeline items through after a non-terminating error (InputObject set)' {
            $err = $null
            $out = @{ a = 1 }, @{ x = [double]::NaN }, @{ b = 2 } | ConvertTo-VmCanonicalJson -ErrorAction SilentlyContinue -ErrorVariable err
            $out | Should -Be @('{"a":1}', '{"b":2}')
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly $script:ErrorId
        }
    }
}
