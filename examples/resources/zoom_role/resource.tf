# A custom role. Users are put in it with zoom_role_membership.
resource "zoom_role" "auditors" {
  name        = "Auditors"
  description = "Read-only access to users, roles and reports"
  privileges = [
    "User:Read",
    "Role:Read",
    "Report:Read",
  ]
}

# The Admin system role (id "1") exists on every account, so it is imported, never
# created (without the import block, apply fails with "Role name already in use").
# Then its description and privileges are managed; its name can't change, and destroying
# it only removes it from Terraform state. On Terraform before 1.5, drop the block and
# run `terraform import zoom_role.admin 1` instead.
import {
  to = zoom_role.admin
  id = "1"
}

resource "zoom_role" "admin" {
  name        = "Admin"
  description = "Account administrators"
  privileges = [
    "User:Read",
    "User:Edit",
    "Role:Read",
    "Role:Edit",
  ]
}
