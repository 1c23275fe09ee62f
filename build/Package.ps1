# Writes the staged module as a .nupkg that Install-PSResource installs from a local folder repository:
#   Register-PSResourceRepository -Name VaultMeshLocal -Uri <folder> -Trusted
#   Install-PSResource VaultMesh -Repository VaultMeshLocal
# Dot-sourced by build.ps1 and the tests.

function New-VmPackage {
    param([Parameter(Mandatory)] [string] $StageDir, [Parameter(Mandatory)] [string] $OutputDirectory)
    $OutputDirectory = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputDirectory)
    $version = (Import-PowerShellDataFile (Join-Path $StageDir 'VaultMesh.psd1')).ModuleVersion
    # Compress-PSResource names the package after the folder, which must carry the module's name.
    $work = Join-Path ([IO.Path]::GetTempPath()) ("vmpack-" + [guid]::NewGuid().ToString('N'))
    $named = Join-Path $work 'VaultMesh'
    try {
        New-Item -ItemType Directory -Force -Path $named, $OutputDirectory | Out-Null
        Copy-Item -Path (Join-Path $StageDir '*') -Destination $named -Recurse
        $package = Join-Path $OutputDirectory "VaultMesh.$version.nupkg"
        Remove-Item -LiteralPath $package -ErrorAction SilentlyContinue
        Compress-PSResource -Path $named -DestinationPath $OutputDirectory -ErrorAction Stop
        if (-not (Test-Path -LiteralPath $package)) { throw "Package: Compress-PSResource wrote no $package." }
        Get-Item -LiteralPath $package
    } finally {
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }
}
