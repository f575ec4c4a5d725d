//! The provider's shared vocabulary: words every resource and data source uses and none
//! owns (the system roles, what an email looks like, "exactly one of", how a missing role
//! is reported). Resource files import from here, never from each other.

use super::account::Account;
use crate::tfplugin::{Diagnostic, Diagnostics, Value};
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

#[cfg(test)]
mod tests {
    use super::*;

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
