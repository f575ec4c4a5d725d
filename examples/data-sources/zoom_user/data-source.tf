# A user by email (any case), with the role they hold:
data "zoom_user" "paul" {
  email = "paul@example.com"
}

output "paul_role" {
  value = "${data.zoom_user.paul.role_name} (${data.zoom_user.paul.role_id})"
}

# A user by Zoom id:
data "zoom_user" "owner" {
  id = "z8yCxjabcdEFGhij8ABCdeF"
}
