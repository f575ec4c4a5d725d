//! `zoom_role_members` data source: the users holding one role. Reads top to bottom as
//! schema, validate, read.
//!
//! Members come from the process's member cache (see `cache`): one traversal per role
//! however many memberships and data sources ask, kept coherent with this process's own
//! assigns, so a read deferred until after an apply sees the users it just assigned even
//! while Zoom's listing lags. Members sort by email, so the list doesn't reorder between
//! runs.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::zoom_diag;
use super::shared::{account_argument, data_account, validate_account, ACCOUNT_ID};
use super::shared::{role_not_found, system_role_name, MEMBER, OWNER};
use super::ProviderData;
use crate::tfplugin::{Attribute, Block, DataSource, Diagnostic, Diagnostics, Schema, Type, Value};
use crate::zoom::{Error, ErrorKind, Member};

pub struct RoleMembersDataSource {
    pub(super) data: Arc<ProviderData>,
}

#[async_trait]
impl DataSource for RoleMembersDataSource {
    fn type_name(&self) -> &'static str {
        "zoom_role_members"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "The users who hold one role, as Zoom lists them. Every user holds exactly one \
                 role; to change who holds a role, use `zoom_role_membership`.",
                vec![
                    account_argument(),
                    Attribute::string("role_id")
                        .required()
                        .describe("The role's Zoom id: `1` for Admin, or a custom role's id (e.g. `zoom_role.auditors.id`)."),
                    Attribute::new("members", Type::list(member_type()))
                        .computed()
                        .describe("The role's members, sorted by email. Each has `id` (the user's Zoom id; null for an invited user who hasn't joined yet), `email` (as Zoom spells it), `first_name` and `last_name` (null when Zoom has none)."),
                ],
            ),
        )
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = validate_account(config);
        if let Some(role_id) = config.attr("role_id").as_str() {
            if role_id.trim().is_empty() || role_id.contains('/') {
                diags.push(
                    Diagnostic::error(
                        "Invalid role_id",
                        format!("{role_id:?} is not a Zoom role id; use e.g. \"1\" for Admin."),
                    )
                    .at_attr("role_id"),
                );
            }
        }
        diags
    }

    async fn read(&self, config: &Value, diags: &mut Diagnostics) -> Option<Value> {
        let data = &self.data;
        let ready = data.ready().map_err(|d| diags.push(d)).ok()?;
        let (account_value, account) = data_account(&ready, config);
        let account = &*account;
        let role_id = config.attr("role_id").as_str()?.trim().to_string();
        let mut members = match account.role_members(&role_id).await {
            Ok(Some(m)) => m.members().to_vec(),
            Ok(None) => {
                diags.push(role_not_found(account, &role_id, "role_id").await);
                return None;
            }
            Err(e) => {
                diags.push(refusal(&role_id, &e));
                return None;
            }
        };
        // Members this process assigned are cached with id and email only; names come from the
        // user lookups the cache answers (switching to one user listing when there are many).
        for m in members
            .iter_mut()
            .filter(|m| !m.id.is_empty() && m.first_name.is_none() && m.last_name.is_none())
        {
            if let Ok(u) = account.user(&m.id).await {
                m.first_name = u.first_name;
                m.last_name = u.last_name;
            }
        }
        members
            .sort_by(|a, b| (a.email.to_lowercase(), &a.id).cmp(&(b.email.to_lowercase(), &b.id)));
        Some(Value::object([
            (ACCOUNT_ID, account_value),
            ("role_id", Value::from(role_id)),
            (
                "members",
                Value::List(members.iter().map(member_object).collect()),
            ),
        ]))
    }
}

// ---- schema ----------------------------------------------------------------------------

/// The object type of one element of `members`.
fn member_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("email", Type::String),
        ("first_name", Type::String),
        ("last_name", Type::String),
    ])
}

// ---- read ------------------------------------------------------------------------------

/// A failed listing as a diagnostic; Owner and Member get an explanation of their own when
/// Zoom refuses to list them.
fn refusal(role_id: &str, e: &Error) -> Diagnostic {
    let refused = matches!(
        e.kind(),
        ErrorKind::Validation | ErrorKind::PermissionOrPlan
    );
    match system_role_name(role_id) {
        Some(name) if refused && (role_id == OWNER || role_id == MEMBER) => Diagnostic::error(
            format!("Zoom doesn't list the {name} role's members"),
            format!(
                "Zoom refused to list the members of the {name} role (id {role_id:?}): {} \
                 Owner and Member are system roles that can't be managed through Zoom's API \
                 (every user not given another role is a Member). Look users up one by one \
                 with the zoom_user data source, whose role_id says which role they hold.",
                super::errors::explain(e)
            ),
        )
        .at_attr("role_id"),
        _ => zoom_diag(e, Some("role_id")),
    }
}

fn member_object(m: &Member) -> Value {
    let non_empty = |s: &Option<String>| Value::from(s.clone().filter(|s| !s.is_empty()));
    Value::object([
        (
            "id",
            if m.id.is_empty() {
                Value::Null
            } else {
                Value::from(m.id.as_str())
            },
        ),
        ("email", Value::from(m.email.as_str())),
        ("first_name", non_empty(&m.first_name)),
        ("last_name", non_empty(&m.last_name)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::AttrPath;

    fn validate(config: &Value) -> Diagnostics {
        RoleMembersDataSource {
            data: Default::default(),
        }
        .validate(config)
    }

    fn config(role_id: Value) -> Value {
        Value::object([("role_id", role_id), ("members", Value::Null)])
    }

    #[test]
    fn role_id_must_look_like_an_id() {
        assert!(validate(&config("1".into())).is_empty());
        assert!(validate(&config("RqBLcd1jLS9a7RBkbGtqn2A".into())).is_empty());
        assert!(validate(&config(Value::Unknown)).is_empty());
        for bad in ["", " ", "1/u1"] {
            let d = validate(&config(bad.into()));
            assert_eq!(d.0[0].summary, "Invalid role_id", "{bad:?}");
            assert_eq!(d.0[0].attribute, Some(AttrPath::attr("role_id")));
        }
    }

    #[test]
    fn members_are_known_with_nulls_for_what_zoom_leaves_out() {
        let pending = Member {
            email: "new@example.com".into(),
            first_name: Some(String::new()),
            ..Default::default()
        };
        let v = member_object(&pending);
        assert!(v.is_wholly_known());
        assert!(v.attr("id").is_null());
        assert!(v.attr("first_name").is_null());
        assert_eq!(v.attr("email").as_str(), Some("new@example.com"));
        let Value::Object(m) = &v else { panic!() };
        let Type::Object(t) = member_type() else {
            panic!()
        };
        assert!(m.keys().eq(t.keys()));
    }

    #[test]
    fn owner_and_member_refusals_are_explained() {
        let e = Error::new(
            ErrorKind::Validation,
            "list members of role 2",
            "Can't list members of this role.",
        );
        let d = refusal("2", &e);
        assert_eq!(d.summary, "Zoom doesn't list the Member role's members");
        assert_eq!(d.attribute, Some(AttrPath::attr("role_id")));
        let d = refusal("r1", &e);
        assert_eq!(d.summary, "Zoom rejected the request");
    }
}
