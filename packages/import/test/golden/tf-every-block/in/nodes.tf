resource "aws_appmesh_virtual_node" "cart" {
  name      = "cart"
  mesh_name = aws_appmesh_mesh.shop.id

  spec {
    dynamic "backend" {
      for_each = var.backends
      content {
        virtual_service {
          virtual_service_name = "${backend.value}.${local.domain}"
          client_policy {
            tls {
              enforce = true
              ports   = [8443]
              certificate {
                file {
                  certificate_chain = "/certs/cart.pem"
                  private_key       = "/certs/cart.key"
                }
              }
              validation {
                subject_alternative_names {
                  match {
                    exact = ["${backend.value}.${local.domain}"]
                  }
                }
                trust {
                  file {
                    certificate_chain = "/certs/ca.pem"
                  }
                }
              }
            }
          }
        }
      }
    }

    backend_defaults {
      client_policy {
        tls {
          validation {
            trust {
              acm {
                certificate_authority_arns = ["arn:aws:acm-pca:${data.aws_region.current.name}:111122223333:certificate-authority/shop"]
              }
            }
          }
        }
      }
    }

    listener {
      port_mapping {
        port     = var.ports["http"]
        protocol = "http"
      }
      health_check {
        protocol            = "http"
        path                = "/ping"
        healthy_threshold   = 2
        unhealthy_threshold = 2
        timeout_millis      = 2000
        interval_millis     = 5000
        port                = var.ports["http"]
      }
      outlier_detection {
        max_server_errors    = 5
        max_ejection_percent = 50
        base_ejection_duration {
          unit  = "s"
          value = 30
        }
        interval {
          unit  = "s"
          value = 10
        }
      }
      connection_pool {
        http {
          max_connections      = 100
          max_pending_requests = 50
        }
      }
      timeout {
        http {
          idle {
            unit  = "s"
            value = 60
          }
          per_request {
            unit  = "s"
            value = 15
          }
        }
      }
      tls {
        mode = "STRICT"
        certificate {
          acm {
            certificate_arn = "arn:aws:acm:${data.aws_region.current.name}:111122223333:certificate/cart"
          }
        }
        validation {
          subject_alternative_names {
            match {
              exact = ["front.${local.domain}"]
            }
          }
          trust {
            sds {
              secret_name = "ca"
            }
          }
        }
      }
    }

    logging {
      access_log {
        file {
          path = "/dev/stdout"
          format {
            json {
              key   = "start"
              value = "%START_TIME%"
            }
            json {
              key   = "status"
              value = "%RESPONSE_CODE%"
            }
          }
        }
      }
    }

    service_discovery {
      aws_cloud_map {
        namespace_name = local.domain
        service_name   = "cart"
        attributes = {
          version = "v1"
        }
      }
    }
  }
}

resource "aws_appmesh_virtual_node" "backend" {
  for_each  = toset(var.backends)
  name      = each.key
  mesh_name = aws_appmesh_mesh.shop.name

  spec {
    listener {
      port_mapping {
        port     = var.ports["grpc"]
        protocol = "grpc"
      }
      connection_pool {
        grpc {
          max_requests = 10
        }
      }
      timeout {
        grpc {
          per_request {
            unit  = "ms"
            value = 500
          }
        }
      }
      tls {
        mode = "PERMISSIVE"
        certificate {
          sds {
            secret_name = "spiffe://shop/${each.key}"
          }
        }
      }
    }
    service_discovery {
      dns {
        hostname      = "${each.key}.${local.domain}"
        response_type = "ENDPOINTS"
        ip_preference = "IPv4_ONLY"
      }
    }
  }
}

resource "aws_appmesh_virtual_node" "legacy" {
  count     = 2
  name      = "legacy-${count.index}"
  mesh_name = aws_appmesh_mesh.shop.name
  spec {
    listener {
      port_mapping {
        port     = 7000 + count.index
        protocol = count.index == 0 ? "tcp" : "http2"
      }
      connection_pool {
        dynamic "tcp" {
          for_each = count.index == 0 ? [1] : []
          content {
            max_connections = 20
          }
        }
        dynamic "http2" {
          for_each = count.index == 1 ? [1] : []
          content {
            max_requests = 30
          }
        }
      }
      timeout {
        dynamic "tcp" {
          for_each = count.index == 0 ? [1] : []
          content {
            idle {
              unit  = "s"
              value = 600
            }
          }
        }
        dynamic "http2" {
          for_each = count.index == 1 ? [1] : []
          content {
            idle {
              unit  = "s"
              value = 30
            }
          }
        }
      }
      tls {
        mode = "DISABLED"
        certificate {
          file {
            certificate_chain = "/certs/legacy.pem"
            private_key       = "/certs/legacy.key"
          }
        }
      }
    }
    logging {
      access_log {
        file {
          path = "/var/log/legacy.log"
          format {
            text = "%START_TIME% %RESPONSE_CODE%\n"
          }
        }
      }
    }
    service_discovery {
      dns {
        hostname = "legacy-${count.index}.${local.domain}"
      }
    }
  }
}
