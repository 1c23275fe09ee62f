locals {
  name = "__NAME__"
  tags = {
    component   = local.name
    environment = var.environment
    owner       = var.owner
    managed_by  = "terraform"
  }
}

# A placeholder resource so that `terraform plan` has something to show; replace it with the
# component's real infrastructure.
resource "local_file" "inventory" {
  filename = "${path.module}/build/${local.name}-${var.environment}.json"
  content  = jsonencode(local.tags)
}
