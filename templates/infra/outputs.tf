output "name" {
  description = "Component name."
  value       = local.name
}

output "tags" {
  description = "Tags applied to every resource."
  value       = local.tags
}
