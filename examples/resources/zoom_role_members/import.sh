# By the role id: the state records everyone who holds the role now, by email.
terraform import zoom_role_members.admins 1
