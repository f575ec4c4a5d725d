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

# The Admin system role (id "1") exists on every account: import it first
# (terraform import zoom_role.admin 1), then manage its description and privileges.
# Its name can't change, and destroying it only removes it from Terraform state.
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
