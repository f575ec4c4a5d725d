# Terraform 1.12 and later: import by resource identity. A membership's identity is the
# role's Zoom id and the user's Zoom id (not the email, even when the resource uses email).
import {
  to = zoom_role_membership.sam_admin
  identity = {
    role_id = "1"
    user_id = "z8yCxjabcdEFGhij8ABCdeF"
  }
}

resource "zoom_role_membership" "sam_admin" {
  role_id = "1" # Admin
  email   = "sam@example.com"
}
