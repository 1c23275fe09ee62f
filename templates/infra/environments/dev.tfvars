environment = "dev"
owner       = "platform"
