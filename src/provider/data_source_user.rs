//! `zoom_user` data source: one user, found by `id` or by `email` (exactly one), with the
//! role they hold. Reads top to bottom as schema, validate, read.
//!
//! Users are looked up through the process's user cache (see `cache`): one call each for
//! the first few, then one read of the account's user list answers the rest. That list
//! carries role ids but not role names, which then come from the cached role list.

use std::sync::Arc;

use async_trait::async_trait;

use super::account::Account;
use super::errors::zoom_diag;
use super::shared::{account_argument, data_account, validate_account, ACCOUNT_ID};
use super::shared::{exactly_one_of, is_plausible_email};
use super::ProviderData;
use crate::tfplugin::{Attribute, Block, DataSource, Diagnostic, Diagnostics, Schema, Value};
use crate::zoom::User;

pub struct UserDataSource {
    pub(super) data: Arc<ProviderData>,
}

#[async_trait]
impl DataSource for UserDataSource {
    fn type_name(&self) -> &'static str {
        "zoom_user"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "One Zoom user of the account, found by `id` or by `email` (set exactly one), \
                 with the one role they hold.",
                vec![
                    account_argument(),
                    Attribute::string("id")
                        .optional()
                        .computed()
                        .describe("The user's Zoom id. Set this or `email`; when the user is found by email, this is their id."),
                    Attribute::string("email")
                        .optional()
                        .computed()
                        .describe("The user's email. Set this or `id`. Matched without regard to case; the result holds Zoom's spelling."),
                    Attribute::string("first_name")
                        .computed()
                        .describe("The user's first name; null when Zoom has none."),
                    Attribute::string("last_name")
                        .computed()
                        .describe("The user's last name; null when Zoom has none."),
                    Attribute::string("role_id")
                        .computed()
                        .describe("The id of the role the user holds: `0` Owner, `1` Admin, `2` Member, or a custom role's id."),
                    Attribute::string("role_name")
                        .computed()
                        .describe("The name of the role the user holds."),
                ],
            ),
        )
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = exactly_one_of(config, "id", "email", "user");
        diags.extend(validate_account(config));
        if let Some(e) = config.attr("email").as_str() {
            if !e.trim().is_empty() && !is_plausible_email(e) {
                diags.push(
                    Diagnostic::error(
                        "Malformed email",
                        format!("{e:?} is not an email address; write it as name@example.com."),
                    )
                    .at_attr("email"),
                );
            }
        }
        if let Some(id) = config.attr("id").as_str() {
            let why = if id.contains('@') {
                Some("looks like an email: set email instead of id")
            } else if id.contains('/') || id.trim().contains(char::is_whitespace) {
                Some("is not a Zoom user id (ids look like \"z8yCxjabcdEFGhij8ABCdeF\")")
            } else {
                None
            };
            if let Some(why) = why {
                diags.push(
                    Diagnostic::error("Malformed id", format!("{id:?} {why}.")).at_attr("id"),
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
        let (who, attr) = match (config.attr("id").as_str(), config.attr("email").as_str()) {
            (Some(id), _) => (id.trim(), "id"),
            (None, Some(email)) => (email.trim(), "email"),
            (None, None) => return None,
        };
        // Straight from Zoom, not the plan-time user cache: the role may have changed in
        // this very apply, and a data source reads a handful of users at most.
        let user = match account.get_user(who).await {
            Ok(u) => u,
            Err(e) if e.is_not_found() => {
                diags.push(
                    Diagnostic::error(
                        "User not found",
                        format!(
                            "Zoom has no user {who:?} in this account. Check the spelling, and \
                             that the user has joined the account. {}",
                            super::errors::explain(&e)
                        ),
                    )
                    .at_attr(attr),
                );
                return None;
            }
            Err(e) => {
                diags.push(zoom_diag(&e, Some(attr)));
                return None;
            }
        };
        let role_name = match (&user.role_name, &user.role_id) {
            (Some(name), _) => Some(name.clone()),
            (None, Some(role_id)) => role_name_of(account, role_id).await,
            (None, None) => None,
        };
        let mut state = state_from_user(&user, role_name);
        state.set_attr(ACCOUNT_ID, account_value);
        Some(state)
    }
}

// ---- read ------------------------------------------------------------------------------

/// The name of a role, from the cached role list or else from Zoom; `None` if neither says.
async fn role_name_of(account: &Account, role_id: &str) -> Option<String> {
    if let Ok(roles) = account.roles().await {
        if let Some(r) = roles.iter().find(|r| r.id == role_id) {
            return Some(r.name.clone());
        }
    }
    account.get_role(role_id).await.ok().map(|r| r.name)
}

fn state_from_user(user: &User, role_name: Option<String>) -> Value {
    let non_empty = |s: Option<String>| Value::from(s.filter(|s| !s.is_empty()));
    Value::object([
        ("id", Value::from(user.id.as_str())),
        ("email", Value::from(user.email.as_str())),
        ("first_name", non_empty(user.first_name.clone())),
        ("last_name", non_empty(user.last_name.clone())),
        ("role_id", non_empty(user.role_id.clone())),
        ("role_name", non_empty(role_name)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::AttrPath;

    fn validate(config: &Value) -> Diagnostics {
        UserDataSource {
            data: Default::default(),
        }
        .validate(config)
    }

    fn config(id: Value, email: Value) -> Value {
        Value::object([
            ("id", id),
            ("email", email),
            ("first_name", Value::Null),
            ("last_name", Value::Null),
            ("role_id", Value::Null),
            ("role_name", Value::Null),
        ])
    }

    #[test]
    fn exactly_one_of_id_and_email() {
        assert!(validate(&config("u00001".into(), Value::Null)).is_empty());
        assert!(validate(&config(Value::Null, "Paul@Example.com".into())).is_empty());

        let d = validate(&config(Value::Null, Value::Null));
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].summary, "No user named");

        let d = validate(&config("u00001".into(), "paul@example.com".into()));
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].summary, "Both id and email given");
        assert_eq!(d.0[0].attribute, Some(AttrPath::attr("email")));
    }

    #[test]
    fn malformed_values_point_at_their_attribute() {
        let d = validate(&config(Value::Null, "paul.example.com".into()));
        assert_eq!(d.0[0].summary, "Malformed email");
        assert_eq!(d.0[0].attribute, Some(AttrPath::attr("email")));
        let d = validate(&config("paul@example.com".into(), Value::Null));
        assert_eq!(d.0[0].summary, "Malformed id");
        assert!(d.0[0].detail.contains("set email"), "{}", d.0[0].detail);
        let d = validate(&config("a b".into(), Value::Null));
        assert_eq!(d.0[0].summary, "Malformed id");
        let d = validate(&config(Value::Null, "".into()));
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].summary, "Empty email");
    }

    #[test]
    fn unknowns_are_not_judged() {
        for c in [
            config(Value::Unknown, Value::Null),
            config(Value::Null, Value::Unknown),
            config("u1".into(), Value::Unknown),
        ] {
            assert!(validate(&c).is_empty(), "{c:?}");
        }
    }

    #[test]
    fn state_is_wholly_known() {
        let u = User {
            id: "u1".into(),
            email: "Paul@Example.com".into(),
            first_name: Some("Paul".into()),
            last_name: Some(String::new()),
            role_id: Some("1".into()),
            ..Default::default()
        };
        let s = state_from_user(&u, Some("Admin".into()));
        assert!(s.is_wholly_known());
        assert_eq!(s.attr("email").as_str(), Some("Paul@Example.com"));
        assert!(s.attr("last_name").is_null());
        assert_eq!(s.attr("role_name").as_str(), Some("Admin"));
    }
}
