# Quickstart: a custom "Auditors" role, one Admin and two Auditors.
#
# The provider block is empty on purpose: credentials and URLs come from the environment,
# so the same files run against the bundled simulator and against a real account.
#
#   Against zoom-sim (`make demo` does all of this): start
#     cargo run --bin zoom-sim -- --users 5 --listen 127.0.0.1:9440
#   and export
#     ZOOM_API_URL=http://127.0.0.1:9440/v2 ZOOM_TOKEN_URL=http://127.0.0.1:9440/oauth/token
#     ZOOM_ACCOUNT_ID=sim-account ZOOM_CLIENT_ID=sim-client ZOOM_CLIENT_SECRET=sim-secret
#
#   Against Zoom: export your Server-to-Server OAuth app's ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID
#   and ZOOM_CLIENT_SECRET, leave the URLs unset, and change the emails below to users of
#   your account (docs/guides/real-account.md).
#
# Until the provider is on the registry, install a build as docs/guides/real-account.md
# shows, then run terraform init && terraform apply here.

terraform {
  required_version = ">= 1.0"

  required_providers {
    zoom = {
      source  = "zoom-community/zoom"
      version = "~> 0.1.0"
    }
  }
}

provider "zoom" {}

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
