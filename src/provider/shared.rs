//! The provider's shared vocabulary: words every resource and data source uses and none
//! owns (the system roles, what an email looks like, "exactly one of", how a missing role
//! is reported). Resource files import from here, never from each other.

use std::sync::Arc;

use super::account::Account;
use super::{ProviderData, Ready};
use crate::tfplugin::{AttrPath, Attribute, Diagnostic, Diagnostics, Plan, Value};
use crate::zoom::Role;

pub const OWNER: &str = "0";
pub const ADMIN: &str = "1";
pub const MEMBER: &str = "2";

/// The name Zoom gives a system role id, if it is one.
pub fn system_role_name(id: &str) -> Option<&'static str> {
    match id {
        OWNER => Some("Owner"),
        ADMIN => Some("Admin"),
        MEMBER => Some("Member"),
        _ => None,
    }
}

/// Whether `s` looks like an email address (name@domain.tld, no spaces): enough to catch
/// typos at validate time; Zoom decides whether the user exists.
pub fn is_plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}

/// Checks that exactly one of the attributes `a` and `b` is set, and that a set one is not
/// empty. `what` names the thing looked up, for messages ("role", "user"). Unknown values
/// are not judged: an unknown may still turn out null, so the check waits for the read.
pub fn exactly_one_of(config: &Value, a: &str, b: &str, what: &str) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let (va, vb) = (config.attr(a), config.attr(b));
    if va.is_unknown() || vb.is_unknown() {
        return diags;
    }
    match (va.is_null(), vb.is_null()) {
        (true, true) => diags.push(Diagnostic::error(
            format!("No {what} named"),
            format!("Set {a} or {b} to say which {what} to read (exactly one of them)."),
        )),
        (false, false) => diags.push(
            Diagnostic::error(
                format!("Both {a} and {b} given"),
                format!(
                    "A zoom_{what} data source finds the {what} by {a} or by {b}, not both: \
                     remove one of them."
                ),
            )
            .at_attr(b),
        ),
        _ => {}
    }
    for attr in [a, b] {
        if config
            .attr(attr)
            .as_str()
            .is_some_and(|s| s.trim().is_empty())
        {
            diags.push(
                Diagnostic::error(
                    format!("Empty {attr}"),
                    format!("{attr} is an empty string; set it to the {what}'s {attr}."),
                )
                .at_attr(attr),
            );
        }
    }
    diags
}

/// "Role not found" for an id Zoom doesn't know (code 1034), listing the roles it does.
pub async fn role_not_found(account: &Account, id: &str, attr: &str) -> Diagnostic {
    let roles = account.roles().await.unwrap_or_default();
    Diagnostic::error(
        "Role not found",
        format!(
            "Zoom has no role with id {id:?} (Zoom code 1034, \"Role does not exist\"). The \
             account's roles: {}. Use \"1\" for Admin, or a custom role's id, e.g. from a \
             zoom_role resource or a zoom_role data source found by name.",
            brief_roles(&roles)
        ),
    )
    .at_attr(attr)
}

/// The first few roles as `"Name" (id)`, for messages.
pub fn brief_roles(roles: &[Role]) -> String {
    const SHOWN: usize = 8;
    if roles.is_empty() {
        return "none could be listed".to_string();
    }
    let mut out: Vec<String> = roles
        .iter()
        .take(SHOWN)
        .map(|r| format!("{:?} ({})", r.name, r.id))
        .collect();
    if roles.len() > SHOWN {
        out.push(format!("and {} more", roles.len() - SHOWN));
    }
    out.join(", ")
}

/// A number attribute from an optional count.
pub fn count(n: Option<u64>) -> Value {
    n.and_then(|n| i64::try_from(n).ok())
        .map_or(Value::Null, Value::from)
}

// ---- accounts --------------------------------------------------------------------------

/// The attribute naming the sub-account a resource, data source or list resource is in.
pub const ACCOUNT_ID: &str = "account_id";

const ACCOUNT_DOC: &str = "The sub-account this is in, managed through Zoom's Master Account \
     API (the app's account must be a master account, and the app needs the `:master` \
     scopes). Unset: the provider's `sub_account_id`, or without one the app's own account; \
     `me` also names the app's own account.";

/// `account_id` on a resource: changing it replaces the resource (an object can't move
/// between accounts).
pub fn account_attribute() -> Attribute {
    Attribute::string(ACCOUNT_ID)
        .optional()
        .computed()
        .requires_replace()
        .describe(&format!("{ACCOUNT_DOC} Changing it replaces the resource."))
}

/// `account_id` on a data source or a list resource.
pub fn account_argument() -> Attribute {
    Attribute::string(ACCOUNT_ID)
        .optional()
        .computed()
        .describe(ACCOUNT_DOC)
}

/// The `account_id` and `all_sub_accounts` arguments of a list resource.
pub fn list_account_arguments() -> Vec<Attribute> {
    vec![
        Attribute::string(ACCOUNT_ID).optional().describe(
            "Only this sub-account (Zoom's Master Account API). Unset: the provider's \
             `sub_account_id`, or without one the app's own account.",
        ),
        Attribute::bool(ALL_SUB_ACCOUNTS).optional().describe(
            "List every sub-account of the app's (master) account, one after another, as \
             `GET /accounts` lists them (not the app's own account: list that without this \
             argument). Not together with `account_id`. Needs the \
             `account:read:list_sub_accounts:master` scope besides the `:master` role and \
             user scopes.",
        ),
    ]
}

/// The list filter for every sub-account.
pub const ALL_SUB_ACCOUNTS: &str = "all_sub_accounts";

/// A static check of `account_id` in a configuration.
pub fn validate_account(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if let Some(id) = config.attr(ACCOUNT_ID).as_str() {
        if let Some(why) = super::config::bad_account_id(id) {
            diags.push(
                Diagnostic::error(
                    "Invalid account_id",
                    format!(
                        "account_id {id:?} {why}: set it to a sub-account's id (Zoom's admin \
                         pages, Account Management > Sub Accounts), or leave it unset."
                    ),
                )
                .at_attr(ACCOUNT_ID),
            );
        }
    }
    diags
}

/// The account a configuration names: its own `account_id`, else the provider's
/// `sub_account_id`, else null (the app's own account).
pub fn configured_account(ready: &Ready, config: &Value) -> Value {
    let v = config.attr(ACCOUNT_ID);
    if !v.is_null() {
        return v.clone();
    }
    ready
        .settings
        .sub_account_id
        .as_deref()
        .map_or(Value::Null, Value::from)
}

/// A data source's account: the value its state records (`account_id`, or the provider's
/// `sub_account_id`) and the handle to read through.
pub fn data_account(ready: &Ready, config: &Value) -> (Value, Arc<Account>) {
    let v = configured_account(ready, config);
    let handle = ready.account_for(v.as_str());
    (v, handle)
}

/// Plans `account_id`: the configured or default account, replacing the resource when it
/// differs from the state's.
pub fn plan_account(data: &ProviderData, plan: &mut Plan) {
    let planned = match data.ready() {
        Ok(ready) => configured_account(&ready, &plan.config),
        Err(_) if !plan.config.attr(ACCOUNT_ID).is_null() => plan.config.attr(ACCOUNT_ID).clone(),
        Err(_) if plan.is_create() => Value::Unknown,
        Err(_) => plan.prior.attr(ACCOUNT_ID).clone(),
    };
    plan.planned.set_attr(ACCOUNT_ID, planned);
    let path = AttrPath::attr(ACCOUNT_ID);
    plan.requires_replace.retain(|p| *p != path);
    if !plan.is_create() && plan.planned.attr(ACCOUNT_ID) != plan.prior.attr(ACCOUNT_ID) {
        plan.requires_replace.push(path);
    }
}

/// The sub-account a state, plan or configuration names (`None`: the app's own account;
/// Zoom's `me` is the app's own account too).
pub fn account_in(v: &Value) -> Option<&str> {
    v.attr(ACCOUNT_ID)
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "me")
}

/// The account handle of a state or plan.
pub fn account_of(ready: &Ready, v: &Value) -> Arc<Account> {
    ready.account_for(account_in(v))
}

/// `<account>/<rest>` in a sub-account, `rest` in the app's own account: how ids and
/// plan-time claims name an object, so that equal role ids in two accounts never meet.
pub fn qualified(account: Option<&str>, rest: &str) -> String {
    match account {
        Some(a) => format!("{a}/{rest}"),
        None => rest.to_string(),
    }
}

/// Splits an import id of `parts` '/'-separated parts, or `parts + 1` whose first is the
/// account (`<account>/<role>`, `<account>/<role>/<user>`). `None` for any other count or
/// an empty part.
pub fn split_qualified(id: &str, parts: usize) -> Option<(Option<String>, Vec<String>)> {
    let all: Vec<&str> = id.trim().split('/').collect();
    if all.iter().any(|p| p.trim().is_empty()) {
        return None;
    }
    let all: Vec<String> = all.into_iter().map(str::to_string).collect();
    if all.len() == parts {
        Some((None, all))
    } else if all.len() == parts + 1 {
        let mut rest = all;
        let account = rest.remove(0);
        Some((Some(account), rest))
    } else {
        None
    }
}

/// The accounts a list resource's configuration names, in order: every sub-account of the
/// app's account with `all_sub_accounts`, else the configured or default one (`None`: the
/// app's own account). Errors are diagnostics, and an empty list.
pub async fn list_accounts(
    ready: &Ready,
    config: &Value,
    diags: &mut Diagnostics,
) -> Vec<Option<String>> {
    let all = config.attr(ALL_SUB_ACCOUNTS).as_bool() == Some(true);
    if !all {
        let account = configured_account(ready, config);
        return vec![account_in(&Value::object([(ACCOUNT_ID, account)])).map(str::to_string)];
    }
    if !config.attr(ACCOUNT_ID).is_null() {
        diags.push(
            Diagnostic::error(
                "Both account_id and all_sub_accounts given",
                "all_sub_accounts lists every sub-account; account_id lists one. Keep one of \
                 them.",
            )
            .at_attr(ALL_SUB_ACCOUNTS),
        );
        return Vec::new();
    }
    match ready.account.client().list_sub_accounts().await {
        Ok(ids) => ids.into_iter().map(Some).collect(),
        Err(e) => {
            diags.push(super::errors::zoom_diag(&e, Some(ALL_SUB_ACCOUNTS)));
            Vec::new()
        }
    }
}

/// The account of an import id without one: the provider's `sub_account_id`, if set.
pub fn default_account(data: &ProviderData) -> Option<String> {
    data.ready().ok()?.settings.sub_account_id.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_ids_table() {
        type Want = Option<(Option<&'static str>, &'static [&'static str])>;
        let cases: &[(&str, usize, Want)] = &[
            ("r1", 1, Some((None, &["r1"]))),
            ("sub1/r1", 1, Some((Some("sub1"), &["r1"]))),
            (" sub1/r1 ", 1, Some((Some("sub1"), &["r1"]))),
            ("1/u1", 2, Some((None, &["1", "u1"]))),
            ("sub1/1/u1", 2, Some((Some("sub1"), &["1", "u1"]))),
            ("sub1/1/a@b.co", 2, Some((Some("sub1"), &["1", "a@b.co"]))),
            ("a/b/c", 1, None),
            ("a/b/c/d", 2, None),
            ("/r1", 1, None),
            ("sub1//u1", 2, None),
            ("sub1/1/", 2, None),
            ("", 1, None),
        ];
        for (id, parts, want) in cases {
            let got = split_qualified(id, *parts);
            let want = want.map(|(a, rest)| {
                (
                    a.map(str::to_string),
                    rest.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                )
            });
            assert_eq!(got, want, "{id} ({parts} parts)");
        }
        assert_eq!(qualified(Some("sub1"), "1/u1"), "sub1/1/u1");
        assert_eq!(qualified(None, "1/u1"), "1/u1");
    }

    #[test]
    fn the_account_of_a_value() {
        let v = |a: Value| Value::object([(ACCOUNT_ID, a)]);
        assert_eq!(account_in(&v("sub1".into())), Some("sub1"));
        assert_eq!(account_in(&v("me".into())), None);
        assert_eq!(account_in(&v("".into())), None);
        assert_eq!(account_in(&v(Value::Null)), None);
        assert!(validate_account(&v("a/b".into())).has_errors());
        assert!(validate_account(&v(" ".into())).has_errors());
        assert!(validate_account(&v("sub1".into())).is_empty());
    }

    #[test]
    fn emails() {
        for ok in ["a@b.co", "first.last+tag@sub.example.com"] {
            assert!(is_plausible_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@b.com",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@.com",
            "a@com.",
        ] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn brief_lists_a_few_roles() {
        assert_eq!(brief_roles(&[]), "none could be listed");
        let many: Vec<Role> = (0..10)
            .map(|i| Role {
                id: i.to_string(),
                name: "R".into(),
                ..Default::default()
            })
            .collect();
        let b = brief_roles(&many);
        assert!(b.starts_with("\"R\" (0), "), "{b}");
        assert!(b.ends_with("and 2 more"), "{b}");
    }
}
