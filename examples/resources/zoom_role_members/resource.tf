# Exactly these people are Admins: anyone else who holds the Admin role is moved back to
# Member on the next apply. Keep the user your Zoom app acts as (its owner) in the list if
# they are an Admin: a plan that leaves them out is refused, since it would take the
# app's admin scopes away (see "Not locking yourself out").
resource "zoom_role_members" "admins" {
  role_id = "1"
  members = [
    "platform-bot-owner@example.com",
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
