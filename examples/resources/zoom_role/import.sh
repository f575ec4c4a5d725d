# A custom role, by its Zoom id:
terraform import zoom_role.auditors <role_id>

# The Admin system role always has id 1:
terraform import zoom_role.admin 1
