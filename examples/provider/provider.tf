terraform {
  required_providers {
    zoom = {
      source  = "zoom-community/zoom"
      version = "~> 0.1.0"
    }
  }
}

# Credentials of a Server-to-Server OAuth app (see "Authentication").
provider "zoom" {
  account_id    = var.zoom_account_id
  client_id     = var.zoom_client_id
  client_secret = var.zoom_client_secret
}

# Or leave them out of the configuration and set the environment instead:
#
#   export ZOOM_ACCOUNT_ID="..."
#   export ZOOM_CLIENT_ID="..."
#   export ZOOM_CLIENT_SECRET="..."
#
# provider "zoom" {}

variable "zoom_account_id" {
  type = string
}

variable "zoom_client_id" {
  type = string
}

variable "zoom_client_secret" {
  type      = string
  sensitive = true
}
