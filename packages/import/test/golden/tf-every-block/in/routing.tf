resource "aws_appmesh_virtual_router" "payments" {
  name      = "payments"
  mesh_name = aws_appmesh_mesh.shop.id
  spec {
    listener {
      port_mapping {
        port     = var.ports["http"]
        protocol = "http"
      }
    }
    listener {
      port_mapping {
        port     = 8081
        protocol = "http2"
      }
    }
    listener {
      port_mapping {
        port     = var.ports["grpc"]
        protocol = "grpc"
      }
    }
  }
}

resource "aws_appmesh_route" "payments_http" {
  name                = "http"
  mesh_name           = aws_appmesh_mesh.shop.id
  virtual_router_name = aws_appmesh_virtual_router.payments.name
  spec {
    priority = 1
    http_route {
      match {
        prefix = "/"
        method = "POST"
        scheme = "https"
        port   = var.ports["http"]
        header {
          name   = "x-canary"
          invert = false
          match {
            range {
              start = 1
              end   = 50
            }
          }
        }
        header {
          name = "x-user"
          match {
            regex = "^[a-z]+$"
          }
        }
      }
      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.backend["payments"].name
          weight       = 90
          port         = var.ports["grpc"]
        }
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.legacy[1].name
          weight       = 10
        }
      }
      retry_policy {
        http_retry_events = ["server-error", "gateway-error"]
        tcp_retry_events  = ["connection-error"]
        max_retries       = 3
        per_retry_timeout {
          unit  = "ms"
          value = 250
        }
      }
      timeout {
        idle {
          unit  = "s"
          value = 30
        }
        per_request {
          unit  = "s"
          value = 10
        }
      }
    }
  }
}

resource "aws_appmesh_route" "payments_path" {
  name                = "path"
  mesh_name           = aws_appmesh_mesh.shop.id
  virtual_router_name = aws_appmesh_virtual_router.payments.name
  spec {
    priority = 2
    http2_route {
      match {
        port = 8081
        path {
          exact = "/refund"
        }
        query_parameter {
          name = "mode"
          match {
            exact = "full"
          }
        }
        header {
          name = "x-tenant"
          match {
            prefix = "acme"
          }
        }
      }
      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.legacy[1].name
          weight       = 1
        }
      }
    }
  }
}

resource "aws_appmesh_route" "payments_grpc" {
  name                = "grpc"
  mesh_name           = aws_appmesh_mesh.shop.id
  virtual_router_name = aws_appmesh_virtual_router.payments.name
  spec {
    priority = 3
    grpc_route {
      match {
        port         = var.ports["grpc"]
        service_name = "shop.Payments"
        method_name  = "Charge"
        metadata {
          name   = "x-region"
          invert = true
          match {
            suffix = "-1"
          }
        }
      }
      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.backend["payments"].name
          weight       = 1
        }
      }
      retry_policy {
        grpc_retry_events = ["unavailable", "deadline-exceeded"]
        max_retries       = 2
        per_retry_timeout {
          unit  = "ms"
          value = 100
        }
      }
      timeout {
        per_request {
          unit  = "s"
          value = 3
        }
      }
    }
  }
}

resource "aws_appmesh_virtual_router" "legacy" {
  name      = "legacy"
  mesh_name = aws_appmesh_mesh.shop.id
  spec {
    listener {
      port_mapping {
        port     = 7000
        protocol = "tcp"
      }
    }
  }
}

resource "aws_appmesh_route" "legacy_tcp" {
  name                = "tcp"
  mesh_name           = aws_appmesh_mesh.shop.id
  virtual_router_name = aws_appmesh_virtual_router.legacy.name
  spec {
    tcp_route {
      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.legacy[0].name
          weight       = 1
        }
      }
      timeout {
        idle {
          unit  = "s"
          value = 900
        }
      }
    }
  }
}

resource "aws_appmesh_virtual_service" "payments" {
  name      = "payments.${local.domain}"
  mesh_name = aws_appmesh_mesh.shop.id
  spec {
    provider {
      virtual_router {
        virtual_router_name = aws_appmesh_virtual_router.payments.name
      }
    }
  }
}

resource "aws_appmesh_virtual_service" "inventory" {
  name      = "inventory.${local.domain}"
  mesh_name = aws_appmesh_mesh.shop.id
  spec {
    provider {
      virtual_node {
        virtual_node_name = aws_appmesh_virtual_node.backend["inventory"].name
      }
    }
  }
}

resource "aws_appmesh_virtual_service" "cart" {
  name      = "cart.${local.domain}"
  mesh_name = aws_appmesh_mesh.shop.id
  spec {}
}
