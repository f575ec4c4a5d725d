terraform {
  required_version = ">= 1.0"

  required_providers {
    zoom = {
      source  = "zoom-community/zoom"
      version = "~> 0.1.0"
    }
  }
}

# Everything comes from ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET.
provider "zoom" {}

# Paul is an Admin instead of a Member.
resource "zoom_role_membership" "paul_admin" {
  role_id = "1" # Admin
  email   = "paul@example.com"
}
