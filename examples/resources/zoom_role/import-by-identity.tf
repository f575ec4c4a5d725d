# Terraform 1.12 and later: import by resource identity. A role's identity is its Zoom id.
import {
  to = zoom_role.support
  identity = {
    id = "Ql0bKSZYQiGbqGcxpNDh7w"
  }
}

resource "zoom_role" "support" {
  name       = "Support"
  privileges = ["User:Read"]
}
