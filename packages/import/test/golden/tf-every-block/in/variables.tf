# Written from the aws provider's documented arguments for aws_appmesh_* (every resource and block type).
variable "mesh_name" {
  type = string
  validation {
    condition     = length(var.mesh_name) > 2
    error_message = "the mesh name is at least three characters"
  }
}

variable "ports" {
  type    = map(number)
  default = { http = 8080, grpc = 9090 }
}

variable "backends" {
  type    = list(string)
  default = ["payments", "inventory"]
}

locals {
  domain = "${var.mesh_name}.local"
  tags   = { team = "shop" }
}

data "aws_region" "current" {}
