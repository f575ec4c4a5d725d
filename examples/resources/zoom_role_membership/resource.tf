# Make paul@example.com an Admin (instead of a Member):
resource "zoom_role_membership" "paul_admin" {
  role_id = "1" # Admin
  email   = "paul@example.com"
}

# Put a user in a custom role managed by Terraform:
resource "zoom_role" "auditors" {
  name       = "Auditors"
  privileges = ["User:Read", "Report:Read"]
}

resource "zoom_role_membership" "alice_auditor" {
  role_id = zoom_role.auditors.id
  email   = "alice@example.com"
}
