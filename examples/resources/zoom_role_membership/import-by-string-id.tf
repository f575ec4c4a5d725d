# Terraform 1.5 and later: import with a block instead of the CLI.
# The id takes the same two forms: "<role_id>/<user_id>" or "<role_id>/<email>".
import {
  to = zoom_role_membership.paul_admin
  id = "1/paul@example.com"
}
