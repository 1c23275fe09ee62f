# How to start this same pwsh again as a fresh process: the pinned dotnet tool runs as
# 'dotnet <PSHOME>/pwsh.dll', an installed pwsh as its own executable. Dot-sourced by the build,
# the Pester helpers and the demo.

# The command line prefix: the executable first, then any arguments it needs before pwsh's own.
function Get-VmPwshCommandLine {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return , @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    , @($process)
}

# Runs a fresh pwsh with the given arguments in the current console and returns nothing; $LASTEXITCODE is set.
function Invoke-VmPwsh {
    $pwsh = Get-VmPwshCommandLine
    $prefix = @($pwsh | Select-Object -Last ($pwsh.Count - 1))
    & $pwsh[0] @prefix @args
}
