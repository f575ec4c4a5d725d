# Quickstart: a custom "Auditors" role, one Admin and two Auditors.
# Run it against the bundled simulator with `make demo`. By hand: start
#
#   cargo run --bin zoom-sim -- --users 5 --listen 127.0.0.1:9440
#
# then install the provider binary in a filesystem mirror as scripts/demo.sh does (it is
# not on the registry yet) and run terraform init && terraform apply here.

terraform {
  required_providers {
    zoom = {
      source = "zoom-community/zoom"
    }
  }
}

provider "zoom" {
  account_id    = var.zoom_account_id
  client_id     = var.zoom_client_id
  client_secret = var.zoom_client_secret
  api_url       = var.zoom_api_url
  token_url     = var.zoom_token_url
}

resource "zoom_role" "auditors" {
  name        = "Auditors"
  description = "Read-only access for the audit team"
  privileges  = ["User:Read", "Role:Read", "Report:Read"]
}

# user1 becomes an Admin ("1" is the Admin system role).
resource "zoom_role_membership" "user1_admin" {
  role_id = "1" # Admin
  email   = "user1@example.com"
}

# user2 and user3 join the custom role. Each user has one membership at most:
# a Zoom user holds exactly one role.
resource "zoom_role_membership" "auditors" {
  for_each = toset(["user2@example.com", "user3@example.com"])

  role_id = zoom_role.auditors.id
  email   = each.value
}

output "auditors_role_id" {
  description = "Zoom id of the Auditors role."
  value       = zoom_role.auditors.id
}

output "admin_membership_id" {
  description = "Id of user1's Admin membership (<role_id>/<user_id>)."
  value       = zoom_role_membership.user1_admin.id
}

output "auditor_membership_ids" {
  description = "Ids of the Auditors memberships, by email."
  value       = { for email, m in zoom_role_membership.auditors : email => m.id }
}
