# The root module. It loads the cmdlet assembly and runs its module initializer before importing
# it: the initializer answers every request for VaultMesh.Core from the module's isolated load
# context, and PowerShell reflects over the cmdlet types (Get-Help, Get-Command -Syntax, tab
# completion) without running any of their code, so the initializer cannot wait for a first call.
# See docs/architecture.md, "Loading".
$assembly = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'VaultMesh.PowerShell.dll'))
[System.Runtime.CompilerServices.RuntimeHelpers]::RunModuleConstructor($assembly.ManifestModule.ModuleHandle)
Import-Module -Assembly $assembly
Export-ModuleMember -Cmdlet * -Alias *
