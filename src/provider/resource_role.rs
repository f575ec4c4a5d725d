//! `zoom_role`: a Zoom account role (name, description, privileges, type). Reads top to
//! bottom as schema, validate, plan, create, read, update, delete, import.
//!
//! System roles (Owner "0", Admin "1", Member "2") exist on every account: they can be
//! imported and, for Admin, their description and privileges managed. Zoom can't delete
//! them, so destroying one only removes it from state, and the plan says so beforehand.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::zoom_diag;
use super::lockout;
use super::shared::{
    account_attribute, account_in, account_of, default_account, list_account_arguments,
    plan_account, qualified, split_qualified, system_role_name, validate_account, ACCOUNT_ID,
    ADMIN, MEMBER, OWNER,
};
use super::ProviderData;
use crate::tfplugin::{
    Attribute, Block, Diagnostic, Diagnostics, IdentitySchema, Listed, Plan, Resource, Schema,
    Type, Value,
};
use crate::zoom::{CreateRole, Role, UpdateRole};

pub struct RoleResource {
    pub(super) data: Arc<ProviderData>,
}

#[async_trait]
impl Resource for RoleResource {
    fn type_name(&self) -> &'static str {
        "zoom_role"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "A Zoom account role: a named set of privileges that users can hold. Each user \
                 holds exactly one role; assign users with `zoom_role_membership`. The system \
                 roles Owner (`0`), Admin (`1`) and Member (`2`) can be imported; Zoom can't \
                 delete them, so destroying one only removes it from Terraform state.",
                vec![
                    Attribute::string("id")
                        .computed()
                        .use_state_for_unknown()
                        .describe("The role's Zoom id (`0`, `1`, `2` for the system roles, an opaque string for custom roles), or `<account_id>/<role_id>` in a sub-account. Import takes either form."),
                    Attribute::string("role_id")
                        .computed()
                        .use_state_for_unknown()
                        .describe("The role's Zoom id alone, in every account: what a `zoom_role_membership` or `zoom_role_members` in the same account takes as `role_id`."),
                    account_attribute(),
                    Attribute::string("name")
                        .required()
                        .describe("The role's name, unique in the account (Zoom compares names without regard to case)."),
                    Attribute::string("description")
                        .optional()
                        .describe("A description shown in Zoom's admin pages."),
                    Attribute::new("privileges", Type::set(Type::String))
                        .optional()
                        .computed()
                        .use_state_for_unknown()
                        .describe("The role's privileges, such as `User:Read` or `Role:Edit`. When set, it is the role's whole list: privileges granted in Zoom but missing here are removed. When left out, Terraform records Zoom's list without managing it."),
                    Attribute::string("type")
                        .optional()
                        .computed()
                        .use_state_for_unknown()
                        .requires_replace()
                        .describe("`common` (the default) for account roles or `iq` for Revenue Accelerator roles. Changing it creates a new role."),
                ],
            ),
        )
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = validate_account(config);
        if let Some(name) = config.attr("name").as_str() {
            if name.trim().is_empty() {
                diags.push(
                    Diagnostic::error(
                        "Empty role name",
                        "A Zoom role needs a name: set name to a non-empty string.",
                    )
                    .at_attr("name"),
                );
            }
        }
        if let Some(t) = config.attr("type").as_str() {
            if t != "common" && t != "iq" {
                diags.push(
                    Diagnostic::error(
                        "Invalid role type",
                        format!("type {t:?} is not a Zoom role type: use \"common\" (account roles) or \"iq\" (Revenue Accelerator roles)."),
                    )
                    .at_attr("type"),
                );
            }
        }
        if let Some(items) = config.attr("privileges").elements() {
            if items
                .iter()
                .any(|p| p.as_str().is_some_and(|s| s.trim().is_empty()))
            {
                diags.push(
                    Diagnostic::error(
                        "Empty privilege",
                        "privileges holds an empty string; privileges look like \"User:Read\".",
                    )
                    .at_attr("privileges"),
                );
            }
        }
        diags
    }

    async fn plan(&self, plan: &mut Plan) {
        let data = &self.data;
        if plan.is_destroy() {
            let id = role_id_of(&plan.prior).unwrap_or_default();
            if let Some(name) = system_role_name(id) {
                plan.diagnostics.push(Diagnostic::warning(
                    format!("The {name} role stays in Zoom"),
                    format!(
                        "{name} (id {id}) is a system role that Zoom can't delete. Destroying this \
                         zoom_role only removes it from Terraform state; the role, its privileges \
                         and its members stay as they are in Zoom."
                    ),
                ));
            } else if account_in(&plan.prior).is_none() {
                let refusals =
                    lockout::check_role(data, id, lockout::RoleChange::Deleted, None).await;
                plan.diagnostics.extend(refusals);
            }
            return;
        }
        plan_account(data, plan);
        if plan.is_create() && plan.config.attr("type").is_null() {
            plan.planned.set_attr("type", "common");
        }
        if plan.is_update() {
            let id = role_id_of(&plan.prior).unwrap_or_default().to_string();
            if let Some(name) = system_role_name(&id) {
                check_system_role_update(&id, name, plan);
            }
            let privileges = plan.planned.attr("privileges");
            if let Some(p) = privileges.as_strings() {
                if !plan.diagnostics.has_errors()
                    && *privileges != *plan.prior.attr("privileges")
                    && account_in(&plan.prior).is_none()
                {
                    let change = lockout::RoleChange::Privileges(p);
                    let refusals = lockout::check_role(data, &id, change, Some("privileges")).await;
                    plan.diagnostics.extend(refusals);
                }
            }
        }
        if plan.diagnostics.has_errors() {
            return;
        }
        // Zoom refuses a second role with the same name only at apply; say it at plan time.
        let Some(name) = plan.planned.attr("name").as_str().map(str::to_string) else {
            return;
        };
        let renamed = plan.prior.attr("name").as_str() != Some(name.as_str());
        if !renamed {
            return;
        }
        let Ok(ready) = data.ready() else {
            return;
        };
        if plan.planned.attr(ACCOUNT_ID).is_unknown() {
            return;
        }
        let own_id = role_id_of(&plan.prior);
        match account_of(&ready, &plan.planned).roles().await {
            Ok(roles) => {
                if let Some(other) = roles
                    .iter()
                    .find(|r| r.name.eq_ignore_ascii_case(&name) && Some(r.id.as_str()) != own_id)
                {
                    plan.diagnostics.push(
                        Diagnostic::error(
                            "Role name already in use",
                            format!(
                                "Zoom already has a role named {:?} (id {}). Role names are unique in \
                                 an account: choose another name, or bring the existing role under \
                                 Terraform with `terraform import <address> {}`.",
                                other.name, other.id, other.id
                            ),
                        )
                        .at_attr("name"),
                    );
                }
            }
            Err(e) => plan.diagnostics.push(zoom_diag(&e, None)),
        }
    }

    async fn create(
        &self,
        config: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let data = &self.data;
        let ready = data.ready().map_err(|d| diags.push(d)).ok()?;
        let req = CreateRole {
            name: config.attr("name").as_str().unwrap_or_default().to_string(),
            description: config.attr("description").as_str().map(str::to_string),
            role_type: planned.attr("type").as_str().map(str::to_string),
            privileges: config.attr("privileges").as_strings().unwrap_or_default(),
        };
        let account = account_of(&ready, planned);
        let mut role = match account.create_role(&req).await {
            Ok(r) => r,
            Err(e) => {
                diags.push(zoom_diag(&e, e.is_name_conflict().then_some("name")));
                return None;
            }
        };
        if config.attr("privileges").is_null() && role.privileges.is_none() {
            // Not managed, but the state must say what Zoom holds; ask once.
            match account.get_role(&role.id).await {
                Ok(full) => role = full,
                Err(e) => diags.push(Diagnostic::warning(
                    "Could not read the new role's privileges",
                    format!(
                        "{} The next refresh will record them.",
                        super::errors::explain(&e)
                    ),
                )),
            }
        }
        let mut state = planned.clone();
        state.set_attr("id", qualified(account_in(planned), &role.id));
        state.set_attr("role_id", role.id.as_str());
        if state.attr("privileges").is_unknown() {
            state.set_attr(
                "privileges",
                Value::string_set(role.privileges.unwrap_or_default()),
            );
        }
        Some(state)
    }

    async fn read(&self, state: &Value, diags: &mut Diagnostics) -> Option<Value> {
        let data = &self.data;
        let ready = data.ready().map_err(|d| diags.push(d)).ok()?;
        let id = role_id_of(state)?.to_string();
        match account_of(&ready, state).get_role(&id).await {
            Ok(role) => Some(state_from_role(state, &role)),
            Err(e) if e.is_not_found() => {
                tracing::info!(role_id = %id, "role no longer exists; removing it from state");
                None
            }
            Err(e) => {
                diags.push(zoom_diag(&e, None));
                Some(state.clone())
            }
        }
    }

    async fn update(
        &self,
        prior: &Value,
        config: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let data = &self.data;
        let ready = data.ready().map_err(|d| diags.push(d)).ok()?;
        let id = role_id_of(prior)?.to_string();
        let changed = |attr: &str| planned.attr(attr) != prior.attr(attr);
        let req = UpdateRole {
            name: changed("name").then(|| {
                planned
                    .attr("name")
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            }),
            description: changed("description").then(|| {
                planned
                    .attr("description")
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            }),
            privileges: (changed("privileges") && !config.attr("privileges").is_null())
                .then(|| planned.attr("privileges").as_strings())
                .flatten(),
        };
        let name = planned.attr("name").as_str();
        if let Err(e) = account_of(&ready, prior).update_role(&id, &req, name).await {
            diags.push(zoom_diag(&e, e.is_name_conflict().then_some("name")));
            return None;
        }
        let mut state = planned.clone();
        if state.attr("privileges").is_unknown() {
            state.set_attr("privileges", prior.attr("privileges").clone());
        }
        for attr in ["id", "role_id"] {
            if state.attr(attr).is_unknown() {
                state.set_attr(attr, prior.attr(attr).clone());
            }
        }
        if state.attr("role_id").is_null() {
            state.set_attr("role_id", id.as_str());
        }
        Some(state)
    }

    async fn delete(&self, prior: &Value, diags: &mut Diagnostics) {
        let data = &self.data;
        let Some(id) = role_id_of(prior) else {
            return;
        };
        if system_role_name(id).is_some() {
            tracing::info!(role_id = id, "system role removed from state only");
            return;
        }
        let Ok(ready) = data.ready().map_err(|d| diags.push(d)) else {
            return;
        };
        // Again at apply: Terraform before 1.3 never shows a provider its destroy plans.
        if account_in(prior).is_none() {
            let refusals = lockout::check_role(data, id, lockout::RoleChange::Deleted, None).await;
            let refused = refusals.has_errors();
            diags.extend(refusals);
            if refused {
                return;
            }
        }
        if let Err(e) = account_of(&ready, prior).delete_role(id).await {
            diags.push(zoom_diag(&e, None));
        }
    }

    async fn import(&self, id: &str, diags: &mut Diagnostics) -> Option<Value> {
        let state = import_state(id, default_account(&self.data).as_deref(), diags)?;
        let role_id = role_id_of(&state).unwrap_or_default().to_string();
        if let Ok(ready) = self.data.ready() {
            super::import_check::role_exists(&account_of(&ready, &state), "zoom_role", &role_id)
                .await
                .map_err(|d| diags.push(d))
                .ok()?;
        }
        Some(state)
    }

    /// What a person adopting an existing role writes: its name, description and privileges
    /// (adopting a role means managing what it grants), and `type` only when it isn't the
    /// default `common`. The id comes from the import block, not the configuration.
    fn generate_config(&self, state: &Value) -> Value {
        let mut config = state.clone();
        config.set_attr("id", Value::Null);
        config.set_attr("role_id", Value::Null);
        if config.attr("type").as_str() == Some("common") {
            config.set_attr("type", Value::Null);
        }
        config
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(
            IdentitySchema::new(&[(
                "id",
                "The role's id: its Zoom id, or `<account_id>/<role_id>` in a sub-account.",
            )])
            .optional(
                ACCOUNT_ID,
                "The sub-account; unset in the app's own account.",
            ),
        )
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        identity.attr("id").as_str().map(str::to_string)
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(Schema::new(
            0,
            Block::new(
                "Lists the account's roles that Terraform can manage: Admin and every custom role \
                 (Owner and Member can't be changed, so they are left out), in one account or in \
                 every sub-account.",
                std::iter::once(
                    Attribute::string("type")
                        .optional()
                        .describe("Only roles of this type: `common` (default) or `iq`."),
                )
                .chain(list_account_arguments())
                .collect(),
            ),
        ))
    }

    async fn list(&self, config: &Value, diags: &mut Diagnostics) -> Vec<Listed> {
        let data = &self.data;
        let Ok(ready) = data.ready().map_err(|d| diags.push(d)) else {
            return Vec::new();
        };
        let role_type = config.attr("type").as_str();
        let mut out = Vec::new();
        for account_id in super::shared::list_accounts(&ready, config, diags).await {
            let account = ready.account_for(account_id.as_deref());
            let roles = match account.list_roles(role_type).await {
                Ok(r) => r,
                Err(e) => {
                    diags.push(zoom_diag(&e, None));
                    return out;
                }
            };
            for summary in roles.iter().filter(|r| r.id != OWNER && r.id != MEMBER) {
                // The listing lacks privileges; the state needs them.
                let role = match account.get_role(&summary.id).await {
                    Ok(r) => r,
                    Err(e) if e.is_not_found() => continue,
                    Err(e) => {
                        diags.push(zoom_diag(&e, None));
                        return out;
                    }
                };
                let id = qualified(account_id.as_deref(), &role.id);
                let blank = import_state(&id, None, diags).unwrap_or(Value::Null);
                let display_name = match &account_id {
                    Some(a) => format!("{} ({a})", role.name),
                    None => role.name.clone(),
                };
                out.push(Listed {
                    display_name,
                    state: state_from_role(&blank, &role),
                });
            }
        }
        out
    }
}

// ---- plan ------------------------------------------------------------------------------

fn check_system_role_update(id: &str, name: &str, plan: &mut Plan) {
    if !plan.requires_replace.is_empty() {
        plan.diagnostics.push(
            Diagnostic::error(
                format!("The {name} role can't be replaced"),
                format!("{name} (id {id}) is a system role: Zoom can neither delete it nor create another. Keep type as it is."),
            )
            .at_attr("type"),
        );
    }
    let changed = |attr: &str| plan.planned.attr(attr) != plan.prior.attr(attr);
    if changed("name") {
        plan.diagnostics.push(
            Diagnostic::error(
                format!("The {name} role can't be renamed"),
                format!("{name} (id {id}) is a system role; Zoom does not allow renaming it. Set name = {name:?}."),
            )
            .at_attr("name"),
        );
    }
    if id != ADMIN && (changed("description") || changed("privileges")) {
        plan.diagnostics.push(Diagnostic::error(
            format!("The {name} role can't be changed"),
            format!(
                "Zoom does not allow updating the {name} role (id {id}) through its API. Only \
                 Admin's description and privileges can be managed; make this configuration \
                 match Zoom's values, or remove the resource."
            ),
        ));
    }
}

// ---- read ------------------------------------------------------------------------------

/// The state after a refresh: Zoom's values, so changes made in Zoom show as drift. An
/// empty description is no description; privileges left unmanaged are still recorded.
fn state_from_role(prior: &Value, role: &Role) -> Value {
    let mut s = prior.clone();
    s.set_attr("id", qualified(account_in(prior), &role.id));
    s.set_attr("role_id", role.id.as_str());
    s.set_attr("name", role.name.as_str());
    s.set_attr(
        "description",
        role.description.clone().filter(|d| !d.is_empty()),
    );
    if let Some(p) = &role.privileges {
        s.set_attr("privileges", Value::string_set(p.iter().cloned()));
    } else if s.attr("privileges").is_null() {
        s.set_attr("privileges", Value::Set(Vec::new()));
    }
    match &role.role_type {
        Some(t) => s.set_attr("type", t.as_str()),
        None if s.attr("type").is_null() => s.set_attr("type", "common"),
        None => {}
    }
    s
}

// ---- import ----------------------------------------------------------------------------

/// The Zoom role id of a state: `role_id`, or for states written before it existed the
/// last part of `id`.
fn role_id_of(v: &Value) -> Option<&str> {
    v.attr("role_id")
        .as_str()
        .or_else(|| v.attr("id").as_str().and_then(|id| id.rsplit('/').next()))
        .filter(|s| !s.is_empty())
}

/// The state an import starts from: `<role_id>` (in `default_account`, the provider's
/// `sub_account_id`, when set) or `<account_id>/<role_id>`.
fn import_state(id: &str, default_account: Option<&str>, diags: &mut Diagnostics) -> Option<Value> {
    let id = id.trim();
    let parsed = split_qualified(id, 1).filter(|_| !id.contains(char::is_whitespace));
    let Some((account, parts)) = parsed else {
        diags.push(Diagnostic::error(
            "Invalid import ID",
            format!(
                "{id:?} is not a Zoom role id. Import a role by its id, e.g. `terraform import \
                 zoom_role.admin 1` (Admin), or a custom role's id from Zoom's admin pages; in a \
                 sub-account as <account_id>/<role_id>."
            ),
        ));
        return None;
    };
    let account = account.or_else(|| default_account.map(str::to_string));
    let role_id = parts[0].clone();
    Some(Value::object([
        ("id", Value::from(qualified(account.as_deref(), &role_id))),
        ("role_id", Value::from(role_id)),
        (ACCOUNT_ID, account.map_or(Value::Null, Value::from)),
        ("name", Value::Null),
        ("description", Value::Null),
        ("privileges", Value::Null),
        ("type", Value::Null),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validate(config: &Value) -> Diagnostics {
        RoleResource {
            data: Default::default(),
        }
        .validate(config)
    }

    fn generate_config(state: &Value) -> Value {
        RoleResource {
            data: Default::default(),
        }
        .generate_config(state)
    }

    fn config(name: &str) -> Value {
        Value::object([
            ("id", Value::Null),
            ("role_id", Value::Null),
            ("account_id", Value::Null),
            ("name", Value::from(name)),
            ("description", Value::Null),
            ("privileges", Value::Null),
            ("type", Value::Null),
        ])
    }

    #[test]
    fn validate_catches_empty_name_bad_type_and_empty_privilege() {
        assert!(validate(&config("Auditors")).is_empty());
        let d = validate(&config("  "));
        assert_eq!(d.0[0].summary, "Empty role name");
        let mut c = config("x");
        c.set_attr("type", "admin");
        assert_eq!(validate(&c).0[0].summary, "Invalid role type");
        c.set_attr("type", "iq");
        c.set_attr("privileges", Value::string_set(["User:Read", ""]));
        assert_eq!(validate(&c).0[0].summary, "Empty privilege");
        c.set_attr("name", Value::Unknown);
        c.set_attr("privileges", Value::Unknown);
        assert!(validate(&c).is_empty(), "unknowns are not judged");
    }

    #[test]
    fn refresh_normalises_empty_description_and_shows_renames() {
        let mut prior = config("Auditors");
        prior.set_attr("id", "r1");
        let role = Role {
            id: "r1".into(),
            name: "Auditors".into(),
            description: Some(String::new()),
            role_type: None,
            privileges: Some(vec!["User:Read".into()]),
            total_members: None,
        };
        let s = state_from_role(&prior, &role);
        assert!(s.attr("description").is_null());
        assert_eq!(s.attr("type").as_str(), Some("common"));
        assert_eq!(s.attr("privileges"), &Value::string_set(["User:Read"]));
        let renamed = Role {
            name: "Reviewers".into(),
            ..role
        };
        assert_eq!(
            state_from_role(&prior, &renamed).attr("name").as_str(),
            Some("Reviewers"),
            "a rename in Zoom shows as drift"
        );
    }

    #[test]
    fn generated_config_leaves_out_the_id_and_the_default_type() {
        let role = Role {
            id: "r1".into(),
            name: "Helpdesk".into(),
            description: Some("First line".into()),
            privileges: Some(vec!["User:Read".into()]),
            role_type: Some("common".into()),
            ..Default::default()
        };
        let blank = import_state("r1", None, &mut Diagnostics::new()).unwrap();
        let c = generate_config(&state_from_role(&blank, &role));
        assert!(c.attr("id").is_null());
        assert!(c.attr("type").is_null());
        assert_eq!(c.attr("name").as_str(), Some("Helpdesk"));
        assert_eq!(c.attr("description").as_str(), Some("First line"));
        assert_eq!(c.attr("privileges"), &Value::string_set(["User:Read"]));
        let iq = Role {
            role_type: Some("iq".into()),
            ..role
        };
        let c = generate_config(&state_from_role(&blank, &iq));
        assert_eq!(c.attr("type").as_str(), Some("iq"));
    }

    #[test]
    fn import_ids() {
        let cases: &[(&str, Option<&str>, &str, Option<&str>)] = &[
            // id, default account, then the state's id, account_id
            ("1", None, "1", None),
            (
                "RqBLcd1jLS9a7RBkbGtqn2A",
                None,
                "RqBLcd1jLS9a7RBkbGtqn2A",
                None,
            ),
            ("sub1/r1", None, "sub1/r1", Some("sub1")),
            (" sub1/r1 ", None, "sub1/r1", Some("sub1")),
            ("r1", Some("sub2"), "sub2/r1", Some("sub2")),
            ("sub1/r1", Some("sub2"), "sub1/r1", Some("sub1")),
        ];
        for (id, default, want_id, want_account) in cases {
            let mut d = Diagnostics::new();
            let s = import_state(id, *default, &mut d).unwrap_or_else(|| panic!("{id}: {d:?}"));
            assert_eq!(s.attr("id").as_str(), Some(*want_id), "{id}");
            assert_eq!(s.attr("account_id").as_str(), *want_account, "{id}");
            assert_eq!(role_id_of(&s), want_id.rsplit('/').next(), "{id}");
        }
        for bad in ["", "a/b/c", "a b", "/r1", "sub1/", "sub 1/r1"] {
            let mut d = Diagnostics::new();
            assert!(import_state(bad, None, &mut d).is_none(), "{bad:?}");
            assert_eq!(d.0[0].summary, "Invalid import ID");
        }
    }
}
