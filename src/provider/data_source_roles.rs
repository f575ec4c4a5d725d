//! `zoom_roles` data source: the account's roles, optionally of one type. Reads top to
//! bottom as schema, validate, read.
//!
//! Each read lists the roles afresh (one Light call) rather than through the process's
//! cached list: that list keeps names coherent with this process's own writes but not
//! member counts or descriptions, and a read deferred to apply would show them stale.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::zoom_diag;
use super::shared::count;
use super::shared::{account_argument, data_account, validate_account, ACCOUNT_ID};
use super::ProviderData;
use crate::tfplugin::{Attribute, Block, DataSource, Diagnostic, Diagnostics, Schema, Type, Value};
use crate::zoom::Role;

pub struct RolesDataSource {
    pub(super) data: Arc<ProviderData>,
}

#[async_trait]
impl DataSource for RolesDataSource {
    fn type_name(&self) -> &'static str {
        "zoom_roles"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "The account's roles, system roles (Owner, Admin, Member) included, in the order \
                 Zoom lists them. Privileges are not part of the listing: read one role with the \
                 `zoom_role` data source for them.",
                vec![
                    account_argument(),
                    Attribute::string("type")
                        .optional()
                        .describe("Which roles to list: `common` (account roles, the default) or `iq` (Revenue Accelerator roles)."),
                    Attribute::new("roles", Type::list(role_type()))
                        .computed()
                        .describe("The roles. Each has `id` (the role's Zoom id), `name`, `description` (null when empty), `type` (`common` or `iq`) and `total_members` (how many users hold it, as Zoom counts them; null when Zoom doesn't say)."),
                ],
            ),
        )
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = validate_account(config);
        if let Some(t) = config.attr("type").as_str() {
            if t != "common" && t != "iq" {
                diags.push(
                    Diagnostic::error(
                        "Invalid role type",
                        format!(
                            "type {t:?} is not a Zoom role type: use \"common\" (account roles) or \
                             \"iq\" (Revenue Accelerator roles), or leave it out for account roles."
                        ),
                    )
                    .at_attr("type"),
                );
            }
        }
        diags
    }

    async fn read(&self, config: &Value, diags: &mut Diagnostics) -> Option<Value> {
        let data = &self.data;
        let ready = data.ready().map_err(|d| diags.push(d)).ok()?;
        let wanted = config.attr("type").as_str();
        let (account_value, account) = data_account(&ready, config);
        let roles = match account.list_roles(wanted).await {
            Ok(r) => r,
            Err(e) => {
                diags.push(zoom_diag(&e, wanted.map(|_| "type")));
                return None;
            }
        };
        let default_type = wanted.unwrap_or("common");
        Some(Value::object([
            (ACCOUNT_ID, account_value),
            ("type", config.attr("type").clone()),
            (
                "roles",
                Value::List(roles.iter().map(|r| role_object(r, default_type)).collect()),
            ),
        ]))
    }
}

// ---- schema ----------------------------------------------------------------------------

/// The object type of one element of `roles`.
fn role_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("name", Type::String),
        ("description", Type::String),
        ("type", Type::String),
        ("total_members", Type::Number),
    ])
}

// ---- read ------------------------------------------------------------------------------

/// One element of `roles`; a role whose type Zoom leaves out has the type listed.
fn role_object(role: &Role, listed_type: &str) -> Value {
    Value::object([
        ("id", Value::from(role.id.as_str())),
        ("name", Value::from(role.name.as_str())),
        (
            "description",
            Value::from(role.description.clone().filter(|d| !d.is_empty())),
        ),
        (
            "type",
            Value::from(role.role_type.as_deref().unwrap_or(listed_type)),
        ),
        ("total_members", count(role.total_members)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::AttrPath;

    fn validate(config: &Value) -> Diagnostics {
        RolesDataSource {
            data: Default::default(),
        }
        .validate(config)
    }

    fn config(t: Value) -> Value {
        Value::object([("type", t), ("roles", Value::Null)])
    }

    #[test]
    fn type_is_common_iq_or_left_out() {
        assert!(validate(&config(Value::Null)).is_empty());
        assert!(validate(&config("common".into())).is_empty());
        assert!(validate(&config("iq".into())).is_empty());
        assert!(validate(&config(Value::Unknown)).is_empty());
        let d = validate(&config("admin".into()));
        assert_eq!(d.0[0].summary, "Invalid role type");
        assert_eq!(d.0[0].attribute, Some(AttrPath::attr("type")));
    }

    #[test]
    fn elements_match_the_schema_and_are_known() {
        let r = Role {
            id: "r1".into(),
            name: "Auditors".into(),
            description: Some(String::new()),
            role_type: None,
            privileges: None,
            total_members: Some(2),
        };
        let v = role_object(&r, "iq");
        assert!(v.is_wholly_known());
        assert_eq!(v.attr("type").as_str(), Some("iq"));
        assert!(v.attr("description").is_null());
        assert_eq!(v.attr("total_members"), &Value::from(2));
        let Value::Object(m) = &v else { panic!() };
        let Type::Object(t) = role_type() else {
            panic!()
        };
        assert!(
            m.keys().eq(t.keys()),
            "every attribute of the type, no more"
        );
    }
}
