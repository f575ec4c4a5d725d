# A role created in Zoom's admin pages, found by name (any case):
data "zoom_role" "auditors" {
  name = "Auditors"
}

# Put a user in it without managing the role itself:
resource "zoom_role_membership" "alice_auditor" {
  role_id = data.zoom_role.auditors.id
  email   = "alice@example.com"
}

# A system role, by id:
data "zoom_role" "admin" {
  id = "1"
}

output "admin_privileges" {
  value = data.zoom_role.admin.privileges
}
