# Who holds the Admin role:
data "zoom_role_members" "admins" {
  role_id = "1"
}

output "admin_emails" {
  value = [for m in data.zoom_role_members.admins.members : m.email]
}
