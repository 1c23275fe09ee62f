# Imported (as a nested module) before the cmdlet assembly, the root module: loads that assembly and
# runs its module initializer, which answers every request for VaultMesh.Core from the module's
# isolated load context. PowerShell reflects over the cmdlet types (Get-Help, Get-Command -Syntax,
# tab completion) without running any of their code, so the initializer cannot wait for a first
# call. See docs/architecture.md, "Loading".
[System.Runtime.CompilerServices.RuntimeHelpers]::RunModuleConstructor(
    [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'VaultMesh.PowerShell.dll')).ManifestModule.ModuleHandle)
