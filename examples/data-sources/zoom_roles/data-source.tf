# Every account role (Owner, Admin, Member and the custom roles):
data "zoom_roles" "all" {}

output "role_ids_by_name" {
  value = { for r in data.zoom_roles.all.roles : r.name => r.id }
}

# Revenue Accelerator roles only:
data "zoom_roles" "iq" {
  type = "iq"
}
