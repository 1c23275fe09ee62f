# Starts and stops the test TSA (OpenSSL's `openssl ts -reply` behind a loopback responder, with a
# throwaway CA) for Pester and the demo:
#
#   Import-Module ./tests/VaultMesh.TestTsa/VmTestTsa.psm1
#   $tsa = Start-VmTestTsa            # builds the launcher on first use
#   $tsa.Url; $tsa.TrustBundle        # rails.tsa.url and rails.tsa.trust_bundle for a profile
#   $tsa.ModeUrl('reject')            # reject, wrong-nonce, wrong-imprint, delay, http-500, garbage, wrong-content-type
#   Stop-VmTestTsa $tsa               # stops the process and removes its files

Set-StrictMode -Version Latest

function Start-VmTestTsa {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        # Build configuration of the launcher.
        [string] $Configuration = 'Release',
        # Keep the PKI and configuration here instead of a temp folder removed on stop.
        [string] $Directory,
        # Lifetime of the TSA signing certificate, to obtain tokens whose signer expires soon after.
        [double] $SignerLifetimeSeconds,
        # How long to wait for the TSA to report its URL.
        [int] $StartTimeoutSeconds = 60
    )
    $project = Join-Path $PSScriptRoot 'VaultMesh.TestTsa.csproj'
    $dll = Join-Path $PSScriptRoot "bin/$Configuration/net10.0/VaultMesh.TestTsa.dll"
    if (-not (Test-Path -LiteralPath $dll)) {
        $output = & dotnet build $project -c $Configuration --nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) { throw "Start-VmTestTsa: building the test TSA failed: $output" }
    }
    if (-not (Get-Command openssl -ErrorAction SilentlyContinue)) { throw 'Start-VmTestTsa: openssl is not installed.' }

    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $start.ArgumentList.Add($dll)
    if ($Directory) { $start.ArgumentList.Add('--directory'); $start.ArgumentList.Add($Directory) }
    if ($PSBoundParameters.ContainsKey('SignerLifetimeSeconds')) {
        $start.ArgumentList.Add('--signer-lifetime-seconds')
        $start.ArgumentList.Add($SignerLifetimeSeconds.ToString([cultureinfo]::InvariantCulture))
    }
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($start)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait([timespan]::FromSeconds($StartTimeoutSeconds)) -or -not $line.Result) {
        if (-not $process.HasExited) { $process.Kill($true) }
        $process.Dispose()
        throw "Start-VmTestTsa: the test TSA did not report its URL within $StartTimeoutSeconds s."
    }
    $info = $line.Result | ConvertFrom-Json
    $tsa = [pscustomobject]@{
        PSTypeName  = 'VaultMesh.TestTsa'
        Url         = [string] $info.url
        TrustBundle = [string] $info.trustBundle
        Directory   = [string] $info.directory
        ProcessId   = [int] $info.pid
        Modes       = [string[]] $info.modes
        Process     = $process
    }
    $tsa | Add-Member -MemberType ScriptMethod -Name ModeUrl -Value { param([string] $Mode) $this.Url + $Mode }
    $tsa
}

function Stop-VmTestTsa {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [pscustomobject] $Tsa,
        [int] $TimeoutSeconds = 15
    )
    process {
        $process = $Tsa.Process
        if (-not $process.HasExited) {
            # Closing standard input asks the launcher to stop and remove its files.
            $process.StandardInput.Close()
            if (-not $process.WaitForExit($TimeoutSeconds * 1000)) { $process.Kill($true); $process.WaitForExit() }
        }
        $process.Dispose()
    }
}

Export-ModuleMember -Function Start-VmTestTsa, Stop-VmTestTsa
