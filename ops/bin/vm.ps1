# Entry of ops/bin/vm: imports the module and runs the vm grammar with the remaining arguments.
# The arguments are passed as one array so that none of them binds as a PowerShell parameter.
$ErrorActionPreference = 'Continue'
$module, $rest = $args
Import-Module $module
Invoke-VmCommand -ArgumentList @($rest | Where-Object { $null -ne $_ })
exit $LASTEXITCODE
