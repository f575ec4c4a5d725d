# The members of one role only: here Admin (id "1").
list "zoom_role_membership" "admins" {
  provider         = zoom
  include_resource = true

  config {
    role_id = "1"
  }
}
