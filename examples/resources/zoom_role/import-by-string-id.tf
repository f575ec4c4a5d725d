# Terraform 1.5 and later: import with a block instead of the CLI.
import {
  to = zoom_role.admin
  id = "1"
}
