# Every role Terraform can manage: Admin and each custom role (Owner and Member can't be
# changed, so they are left out).
list "zoom_role" "all" {
  provider         = zoom
  include_resource = true

  # Optional: only roles of one type, "common" (account roles, the default) or "iq".
  config {
    type = "common"
  }
}
