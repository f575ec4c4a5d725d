# Terraform 1.5 and later: adopt a role's current member list with a block instead of the
# CLI. The id is the role's id; "1" is Admin. Write `members` as Zoom lists them now (or
# let `terraform plan -generate-config-out=admins.tf` write the block), then apply: the
# import changes nothing in Zoom.
import {
  to = zoom_role_members.admins
  id = "1"
}
