# Test-VmAnchor through the Redis observation cache (a real redis-server and the real OpenSSL TSA on
# free loopback ports): once the operator replaces the trust bundle, the cached path answers exactly
# what -Offline answers.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $script:RepoRoot 'tests/TestServers/VmTestRedis.ps1')
    Import-Module (Join-Path $script:RepoRoot 'tests/VaultMesh.TestTsa/VmTestTsa.psm1') -Force
    $script:tsa = Start-VmTestTsa
    $script:redis = Start-VmTestRedis
    function Get-CacheCount([string] $Result) {
        $sample = Get-VmMetric -Name vaultmesh_observation_cache_total | Where-Object { $_.Labels['result'] -eq $Result }
        if ($sample) { $sample.Value } else { 0 }
    }
}

AfterAll {
    if ($script:redis) { Stop-VmTestRedis $script:redis -Remove }
    if ($script:tsa) { Stop-VmTestTsa $script:tsa }
    Remove-Item Env:ANCHOR_WRITE_ENABLED, Env:VAULTMESH_REDIS_CACHE_KEY -ErrorAction SilentlyContinue
}

Describe 'Test-VmAnchor with the Redis observation cache' {
    BeforeAll {
        $env:VAULTMESH_HOME = New-VmTestHome
        # The operator's own copy of the pinned roots, which they may later replace in place.
        $script:bundle = Join-Path $env:VAULTMESH_HOME 'tsa-roots.pem'
        Copy-Item -LiteralPath $script:tsa.TrustBundle -Destination $script:bundle
        Set-VmConfiguration -Redis $script:redis.Configuration -Setting @{
            'rails.tsa.url'          = $script:tsa.Url
            'rails.tsa.trust_bundle' = $script:bundle
        }
        $env:VAULTMESH_REDIS_CACHE_KEY = 'a shared observation cache key, 32+ bytes long'
        Add-VmMemory -Type deployment -Component cache-test -Version 1 | Out-Null
        $env:ANCHOR_WRITE_ENABLED = '1'
        $script:receipt = (Invoke-VmSeal | Submit-VmAnchor -Rail Tsa).Json
        Remove-Item Env:ANCHOR_WRITE_ENABLED
    }

    It 'serves a valid verdict from the cache, and says untrusted-root as -Offline does once the trust bundle is replaced' {
        (Test-VmAnchor -Json $script:receipt -Detailed).Valid | Should -BeTrue
        $hits = Get-CacheCount hit
        (Test-VmAnchor -Json $script:receipt -Detailed).Valid | Should -BeTrue
        Get-CacheCount hit | Should -Be ($hits + 1)

        # An unrelated root in place of the pinned one.
        $other = Join-Path $env:VAULTMESH_HOME 'other'
        New-Item -ItemType Directory -Path $other | Out-Null
        & openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=Unrelated Root' -days 2 `
            -keyout (Join-Path $other 'key.pem') -out (Join-Path $other 'ca.pem') 2>$null
        $LASTEXITCODE | Should -Be 0
        Copy-Item -LiteralPath (Join-Path $other 'ca.pem') -Destination $script:bundle -Force

        $offline = Test-VmAnchor -Json $script:receipt -Offline -Detailed -ErrorAction SilentlyContinue
        $cached = Test-VmAnchor -Json $script:receipt -Detailed -ErrorAction SilentlyContinue
        $offline.Reason | Should -Be 'untrusted-root'
        $cached.Valid | Should -BeFalse
        $cached.Reason | Should -Be $offline.Reason
        Get-CacheCount mismatch | Should -BeGreaterOrEqual 1
    }
}
