# Exactly these people are Admins: anyone else who holds the Admin role is moved back to
# Member on the next apply.
resource "zoom_role_members" "admins" {
  role_id = "1"
  members = [
    "paul@example.com",
    "ann@example.com",
  ]
}

# A custom role whose whole membership Terraform owns.
resource "zoom_role" "helpdesk" {
  name       = "Helpdesk"
  privileges = ["User:Read", "User:Edit"]
}

resource "zoom_role_members" "helpdesk" {
  role_id = zoom_role.helpdesk.id
  members = ["kim@example.com", "z8yCxjabcdEFGhij8ABCdeF"]
}
