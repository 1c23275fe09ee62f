# Entry of ops/bin/vm: imports the module and runs the vm grammar with the remaining arguments.
# The arguments are passed as one array so that none of them binds as a PowerShell parameter.
# Errors (usage errors, and the failures of table output) are printed as plain "vm: ..." lines on
# stderr, not as PowerShell's error view: a shell user reads them, and the exit code says the rest.
$ErrorActionPreference = 'Continue'
$module, $rest = $args
Import-Module $module
Invoke-VmCommand -ArgumentList @($rest | Where-Object { $null -ne $_ }) -ErrorVariable vmErrors -ErrorAction SilentlyContinue
foreach ($vmError in $vmErrors) {
    [Console]::Error.WriteLine('vm: ' + ($vmError.Exception.Message -replace '\s*\r?\n\s*', ' '))
}
exit $LASTEXITCODE
