# Every role assignment on the account, except Owner and Member (Zoom lists no members for
# them). With -generate-config-out, each one becomes a resource block and an import block.
#   terraform query -generate-config-out=imported.tf
list "zoom_role_membership" "all" {
  provider         = zoom
  include_resource = true
}
