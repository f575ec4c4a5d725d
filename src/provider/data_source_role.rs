//! `zoom_role` data source: one role, found by `id` or by `name` (exactly one). Reads top
//! to bottom as schema, validate, read.
//!
//! A name is resolved through the process's cached role list (see `cache`), matching
//! Zoom's own rule that names are unique without regard to case; the role itself is then
//! read with `GET /roles/{id}`, the one answer that carries privileges.

use std::sync::Arc;

use async_trait::async_trait;

use super::account::Account;
use super::errors::zoom_diag;
use super::shared::{account_argument, data_account, validate_account, ACCOUNT_ID};
use super::shared::{brief_roles, count, exactly_one_of, role_not_found};
use super::ProviderData;
use crate::tfplugin::{Attribute, Block, DataSource, Diagnostic, Diagnostics, Schema, Type, Value};
use crate::zoom::Role;

pub struct RoleDataSource {
    pub(super) data: Arc<ProviderData>,
}

#[async_trait]
impl DataSource for RoleDataSource {
    fn type_name(&self) -> &'static str {
        "zoom_role"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "One Zoom role, found by `id` or by `name` (set exactly one), with its \
                 description, type, privileges and member count. Use it to refer to a role that \
                 Terraform doesn't manage, such as Admin or a role created in Zoom's admin pages.",
                vec![
                    account_argument(),
                    Attribute::string("id")
                        .optional()
                        .computed()
                        .describe("The role's Zoom id: `0` Owner, `1` Admin, `2` Member, or a custom role's id. Set this or `name`; when the role is found by name, this is its id."),
                    Attribute::string("name")
                        .optional()
                        .computed()
                        .describe("The role's name. Set this or `id`. Matched without regard to case, as Zoom compares role names; the result holds Zoom's spelling."),
                    Attribute::string("description")
                        .computed()
                        .describe("The role's description; null when it has none."),
                    Attribute::string("type")
                        .computed()
                        .describe("`common` for account roles, `iq` for Revenue Accelerator roles."),
                    Attribute::new("privileges", Type::set(Type::String))
                        .computed()
                        .describe("The role's privileges, such as `User:Read` or `Role:Edit`."),
                    Attribute::number("total_members")
                        .computed()
                        .describe("How many users hold the role, as Zoom counts them; null when Zoom doesn't say."),
                ],
            ),
        )
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = exactly_one_of(config, "id", "name", "role");
        diags.extend(validate_account(config));
        diags
    }

    async fn read(&self, config: &Value, diags: &mut Diagnostics) -> Option<Value> {
        let data = &self.data;
        let ready = data.ready().map_err(|d| diags.push(d)).ok()?;
        let (account_value, account) = data_account(&ready, config);
        let account = &*account;
        let (id, attr) = match (config.attr("id").as_str(), config.attr("name").as_str()) {
            (Some(id), _) => (id.trim().to_string(), "id"),
            (None, Some(name)) => match find_by_name(account, name).await {
                Ok(Some(role)) => (role.id, "name"),
                Ok(None) => {
                    let roles = account.roles().await.unwrap_or_default();
                    diags.push(
                        Diagnostic::error(
                            "Role not found",
                            format!(
                                "Zoom has no role named {name:?} (compared without regard to \
                                 case). The account's roles: {}.",
                                brief_roles(&roles)
                            ),
                        )
                        .at_attr("name"),
                    );
                    return None;
                }
                Err(e) => {
                    diags.push(zoom_diag(&e, Some("name")));
                    return None;
                }
            },
            (None, None) => return None,
        };
        match account.get_role(&id).await {
            Ok(role) => {
                let mut state = state_from_role(&role);
                state.set_attr(ACCOUNT_ID, account_value);
                Some(state)
            }
            Err(e) if e.is_not_found() => {
                diags.push(role_not_found(account, &id, attr).await);
                None
            }
            Err(e) => {
                diags.push(zoom_diag(&e, Some(attr)));
                None
            }
        }
    }
}

// ---- read ------------------------------------------------------------------------------

/// The role named `name`: an exact match first, else the one matching without regard to
/// case. Account (`common`) roles come from the cached list; Revenue Accelerator (`iq`)
/// roles are listed only when no account role matches, and an account without them (Zoom
/// refuses the listing) simply has none.
async fn find_by_name(account: &Account, name: &str) -> Result<Option<Role>, crate::zoom::Error> {
    let roles = account.roles().await?;
    if let Some(r) = match_name(&roles, name) {
        return Ok(Some(r.clone()));
    }
    let iq = account.list_roles(Some("iq")).await.unwrap_or_default();
    Ok(match_name(&iq, name).cloned())
}

fn match_name<'a>(roles: &'a [Role], name: &str) -> Option<&'a Role> {
    let name = name.trim();
    roles
        .iter()
        .find(|r| r.name == name)
        .or_else(|| roles.iter().find(|r| r.name.eq_ignore_ascii_case(name)))
}

fn state_from_role(role: &Role) -> Value {
    Value::object([
        ("id", Value::from(role.id.as_str())),
        ("name", Value::from(role.name.as_str())),
        (
            "description",
            Value::from(role.description.clone().filter(|d| !d.is_empty())),
        ),
        (
            "type",
            Value::from(role.role_type.as_deref().unwrap_or("common")),
        ),
        (
            "privileges",
            Value::string_set(role.privileges.iter().flatten().cloned()),
        ),
        ("total_members", count(role.total_members)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::AttrPath;

    fn validate(config: &Value) -> Diagnostics {
        RoleDataSource {
            data: Default::default(),
        }
        .validate(config)
    }

    fn config(id: Value, name: Value) -> Value {
        let mut c = Value::object([
            ("description", Value::Null),
            ("type", Value::Null),
            ("privileges", Value::Null),
            ("total_members", Value::Null),
        ]);
        c.set_attr("id", id);
        c.set_attr("name", name);
        c
    }

    #[test]
    fn exactly_one_of_id_and_name() {
        assert!(validate(&config("1".into(), Value::Null)).is_empty());
        assert!(validate(&config(Value::Null, "Auditors".into())).is_empty());

        let d = validate(&config(Value::Null, Value::Null));
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].summary, "No role named");

        let d = validate(&config("1".into(), "Admin".into()));
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].summary, "Both id and name given");
        assert_eq!(d.0[0].attribute, Some(AttrPath::attr("name")));

        let d = validate(&config(Value::Null, " ".into()));
        assert_eq!(d.0[0].summary, "Empty name");
        assert_eq!(d.0[0].attribute, Some(AttrPath::attr("name")));
    }

    #[test]
    fn unknowns_are_not_judged() {
        for c in [
            config(Value::Unknown, Value::Null),
            config(Value::Null, Value::Unknown),
            config(Value::Unknown, Value::Unknown),
            config(Value::Unknown, "Admin".into()),
        ] {
            assert!(validate(&c).is_empty(), "{c:?}");
        }
    }

    fn role(id: &str, name: &str) -> Role {
        Role {
            id: id.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn names_match_exactly_first_then_without_case() {
        let roles = [
            role("1", "Admin"),
            role("r1", "auditors"),
            role("r2", "Auditors"),
        ];
        assert_eq!(match_name(&roles, "Auditors").map(|r| &*r.id), Some("r2"));
        assert_eq!(match_name(&roles, "ADMIN").map(|r| &*r.id), Some("1"));
        assert!(match_name(&roles, "Reviewers").is_none());
    }

    #[test]
    fn state_is_wholly_known_with_zoom_values() {
        let r = Role {
            id: "r1".into(),
            name: "Auditors".into(),
            description: Some(String::new()),
            role_type: None,
            privileges: Some(vec!["User:Read".into()]),
            total_members: Some(3),
        };
        let s = state_from_role(&r);
        assert!(s.is_wholly_known());
        assert!(s.attr("description").is_null());
        assert_eq!(s.attr("type").as_str(), Some("common"));
        assert_eq!(s.attr("privileges"), &Value::string_set(["User:Read"]));
        assert_eq!(s.attr("total_members"), &Value::from(3));
        let none = state_from_role(&role("1", "Admin"));
        assert_eq!(none.attr("privileges"), &Value::Set(Vec::new()));
        assert!(none.attr("total_members").is_null());
    }
}
