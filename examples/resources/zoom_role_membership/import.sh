# <role_id>/<user_id>
terraform import zoom_role_membership.paul_admin 1/z8yCxjabcdEFGhij8ABCdeF

# <role_id>/<email>
terraform import zoom_role_membership.paul_admin 1/paul@example.com
