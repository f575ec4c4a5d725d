# Terraform 1.7 and later: stop managing Paul's membership without changing Zoom.
# Replace the resource block with this one and apply; Paul stays an Admin.
removed {
  from = zoom_role_membership.paul_admin

  lifecycle {
    destroy = false
  }
}
