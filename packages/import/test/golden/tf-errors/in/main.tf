variable "mesh_name" {
  type = string
}

locals {
  a = local.b
  b = local.a
}

resource "aws_appmesh_mesh" "m" {
  name = var.mesh_name
}

resource "aws_appmesh_virtual_node" "n" {
  name      = "n"
  mesh_name = "shop"
  colour    = "red"
  spec {
    listener {
      port_mapping {
        port     = local.a
        protocol = "http"
      }
    }
    service_discovery {
      dns {
        hostname = file("hostname.txt")
      }
    }
  }
}

resource "aws_appmesh_virtual_node" "typo" {
  name      = "typo"
  mesh_name = "shop"
  spec {
    listener {
      port_maping {
        port     = 80
        protocol = "http"
      }
    }
    backend {
      virtual_service {
        virtual_service_name = aws_appmesh_virtual_service.s.id
      }
    }
  }
}

resource "aws_appmesh_virtual_service" "s" {
  name      = "s.local"
  mesh_name = "shop"
  spec {
    provider {
      virtual_node {
        virtual_node_name = "%{ if true }n%{ endif }"
      }
    }
  }
}
