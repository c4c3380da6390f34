resource "aws_appmesh_virtual_gateway" "ingress" {
  name      = "ingress"
  mesh_name = aws_appmesh_mesh.shop.id
  spec {
    listener {
      port_mapping {
        port     = 8443
        protocol = "http"
      }
      health_check {
        protocol            = "http"
        path                = "/health"
        healthy_threshold   = 2
        unhealthy_threshold = 3
        timeout_millis      = 2000
        interval_millis     = 10000
      }
      connection_pool {
        http {
          max_connections = 512
        }
      }
      tls {
        mode = "STRICT"
        certificate {
          file {
            certificate_chain = "/certs/gw.pem"
            private_key       = "/certs/gw.key"
          }
        }
        validation {
          trust {
            file {
              certificate_chain = "/certs/clients-ca.pem"
            }
          }
        }
      }
    }
    listener {
      port_mapping {
        port     = 8444
        protocol = "http2"
      }
    }
    backend_defaults {
      client_policy {
        tls {
          enforce = true
          certificate {
            sds {
              secret_name = "gateway"
            }
          }
          validation {
            trust {
              sds {
                secret_name = "mesh-ca"
              }
            }
          }
        }
      }
    }
    logging {
      access_log {
        file {
          path = "/dev/stdout"
        }
      }
    }
  }
}

resource "aws_appmesh_virtual_gateway" "grpc" {
  name      = "grpc-ingress"
  mesh_name = aws_appmesh_mesh.shop.id
  spec {
    listener {
      port_mapping {
        port     = 9443
        protocol = "grpc"
      }
      connection_pool {
        grpc {
          max_requests = 64
        }
      }
    }
  }
}

resource "aws_appmesh_gateway_route" "payments" {
  name                 = "payments"
  mesh_name            = aws_appmesh_mesh.shop.id
  virtual_gateway_name = aws_appmesh_virtual_gateway.ingress.name
  spec {
    priority = 5
    http_route {
      match {
        prefix = "/payments/"
        port   = 8443
        hostname {
          suffix = "shop.example.com"
        }
        header {
          name = "x-api"
          match {
            exact = "v2"
          }
        }
        query_parameter {
          name = "debug"
          match {
            exact = "0"
          }
        }
      }
      action {
        target {
          port = var.ports["http"]
          virtual_service {
            virtual_service_name = aws_appmesh_virtual_service.payments.name
          }
        }
        rewrite {
          hostname {
            default_target_hostname = "DISABLED"
          }
          prefix {
            value = "/"
          }
        }
      }
    }
  }
}

resource "aws_appmesh_gateway_route" "refunds" {
  name                 = "refunds"
  mesh_name            = aws_appmesh_mesh.shop.id
  virtual_gateway_name = aws_appmesh_virtual_gateway.ingress.name
  spec {
    http2_route {
      match {
        port = 8444
        path {
          regex = "^/refunds/[0-9]+$"
        }
        hostname {
          exact = "shop.example.com"
        }
      }
      action {
        target {
          virtual_service {
            virtual_service_name = aws_appmesh_virtual_service.payments.name
          }
        }
        rewrite {
          path {
            exact = "/refund"
          }
        }
      }
    }
  }
}

resource "aws_appmesh_gateway_route" "inventory" {
  name                 = "inventory"
  mesh_name            = aws_appmesh_mesh.shop.id
  virtual_gateway_name = aws_appmesh_virtual_gateway.grpc.name
  spec {
    grpc_route {
      match {
        service_name = "shop.Inventory"
        port         = 9443
        metadata {
          name = "x-store"
          match {
            exact = "42"
          }
        }
      }
      action {
        target {
          virtual_service {
            virtual_service_name = aws_appmesh_virtual_service.inventory.name
          }
        }
        rewrite {
          hostname {
            default_target_hostname = "ENABLED"
          }
        }
      }
    }
  }
}
