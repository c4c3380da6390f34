resource "aws_appmesh_mesh" "shop" {
  name = var.mesh_name
  spec {
    egress_filter {
      type = "ALLOW_ALL"
    }
    service_discovery {
      ip_preference = "IPv6_PREFERRED"
    }
  }
  tags = local.tags
}
