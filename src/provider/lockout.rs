//! The lock-out rail: plan-time refusal of a change that would take away the provider's
//! own ability to manage roles.
//!
//! A Server-to-Server OAuth token acts as the app's owner, the user Zoom answers
//! `GET /users/me` with. The app's admin-level scopes (every `role:*:admin` and
//! `user:*:admin` scope this provider needs) last only while that user holds a role that
//! grants them: Zoom removes them from the app when its owner's role loses those
//! permissions. A plan that moves that user out of such a role therefore applies, and
//! then no later run can change roles again, not even to undo it. Two rules, checked by
//! `zoom_role_membership` and `zoom_role_members` on every plan that moves someone:
//!
//! 1. **The app's user** may not leave a role that lets it manage roles for one that
//!    doesn't. Owner (`0`) and Admin (`1`) let it; a custom role does only if it holds
//!    both `Role:Edit` (create and change roles) and `User:Edit` (which Zoom's privilege
//!    reference says covers assigning users to roles). Zoom doesn't document which
//!    privileges keep an app's admin-level scopes, so this is the conservative reading: a
//!    custom role whose privileges can't be read counts as one that doesn't.
//! 2. **The last Admin** may not leave the Admin role, unless the app acts as the
//!    account Owner (the Owner keeps every permission and the API can't change the
//!    Owner's role, so an account with an Owner-owned app can't be locked out this way).
//!    Removals are counted across every resource of the plan; additions only within one
//!    resource (a `zoom_role_members` list that names a new Admin), so replacing the last
//!    Admin with single memberships takes two applies: add the new one, then remove the
//!    old one.
//!
//! `zoom_role` applies rule 1 to the role itself: deleting the custom role the app's user
//! holds, or taking `Role:Edit` or `User:Edit` out of the role they hold (Admin included),
//! is refused the same way.
//!
//! The provider argument `allow_lockout = true` turns the refusals into warnings for the
//! runs that set it.

use std::sync::Arc;

use super::account::Account;
use super::shared::{system_role_name, ADMIN, MEMBER, OWNER};
use super::ProviderData;
use crate::tfplugin::{Diagnostic, Diagnostics, Severity};
use crate::zoom::User;

/// The privileges a custom role needs for its holder's app to keep managing roles.
pub const ROLE_MANAGEMENT_PRIVILEGES: [&str; 2] = ["Role:Edit", "User:Edit"];

/// A user, as a plan knows them: by id, by email, or both.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Who {
    pub id: Option<String>,
    pub email: Option<String>,
}

impl Who {
    pub fn new(id: Option<&str>, email: Option<&str>) -> Who {
        let keep = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
        Who {
            id: keep(id),
            email: keep(email),
        }
    }

    /// From a member-list entry, which is an id or an email.
    pub fn entry(entry: &str) -> Who {
        if entry.contains('@') {
            Who::new(None, Some(entry))
        } else {
            Who::new(Some(entry), None)
        }
    }

    fn is(&self, id: &str, email: &str) -> bool {
        self.id
            .as_deref()
            .is_some_and(|i| !id.is_empty() && i == id)
            || self
                .email
                .as_deref()
                .is_some_and(|e| !email.is_empty() && e.eq_ignore_ascii_case(email))
    }
}

/// What a planned change does to one user's role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Move {
    /// Assigned to this role (out of whatever role they hold now).
    Into(String),
    /// Unassigned from this role, if they hold it: they fall back to Member.
    OutOf(String),
}

/// One user's planned move, and the attribute a refusal points at.
#[derive(Clone, Debug)]
pub struct Change {
    pub who: Who,
    pub moves: Move,
    pub attr: Option<&'static str>,
}

/// Checks the planned changes against both rules; refusals are errors, or warnings when
/// the provider sets `allow_lockout`.
pub async fn check(data: &ProviderData, changes: &[Change]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if changes.is_empty() {
        return diags;
    }
    let Ok(ready) = data.ready() else {
        return diags; // the plan's other checks report why Zoom can't be asked
    };
    let allowed = ready.settings.allow_lockout;
    let account = &ready.account;
    let me = match account.me().await {
        Ok(me) => me,
        Err(e) => {
            let d = Diagnostic::error(
                "Could not tell which user the Zoom app acts as",
                format!(
                    "Before moving users between roles the provider asks Zoom who its app acts \
                     as (GET /users/me), so that a plan can't take that user's role-management \
                     permissions away and lock Terraform out. Zoom answered: {e}\n\nGive the \
                     app the user:read:admin scope (granular: user:read:user:admin), or set \
                     allow_lockout = true in the provider block to plan without this check."
                ),
            );
            diags.push(if allowed { as_warning(d) } else { d });
            return diags;
        }
    };
    for c in changes {
        if let Some(d) = self_demotion(account, &me, c).await {
            diags.push(refusal(d, c.attr, allowed));
        }
    }
    if me.role_id.as_deref() != Some(OWNER) {
        if let Some(d) = last_admin(data, account, changes).await {
            let attr = changes.first().and_then(|c| c.attr);
            diags.push(refusal(d, attr, allowed));
        }
    }
    diags
}

fn refusal(d: Diagnostic, attr: Option<&str>, allowed: bool) -> Diagnostic {
    let d = match attr {
        Some(a) => d.at_attr(a),
        None => d,
    };
    if allowed {
        let mut w = as_warning(d);
        w.summary = format!("{} (allowed by allow_lockout)", w.summary);
        w
    } else {
        d
    }
}

fn as_warning(d: Diagnostic) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        ..d
    }
}

/// Whether holding `role_id` lets the app manage roles (rule 1).
async fn lets_manage_roles(account: &Account, role_id: &str) -> bool {
    match role_id {
        OWNER | ADMIN => true,
        MEMBER => false,
        custom => account.privileges(custom).await.is_some_and(|p| {
            ROLE_MANAGEMENT_PRIVILEGES
                .iter()
                .all(|want| p.iter().any(|have| have == want))
        }),
    }
}

async fn role_label(account: &Account, role_id: &str) -> String {
    if let Some(name) = system_role_name(role_id) {
        return format!("the {name} role (id \"{role_id}\")");
    }
    let name = account.roles().await.ok().and_then(|roles| {
        roles
            .iter()
            .find(|r| r.id == role_id)
            .map(|r| r.name.clone())
    });
    match name {
        Some(n) => format!("the custom role {n:?} (id {role_id:?})"),
        None => format!("the custom role {role_id:?}"),
    }
}

/// Rule 1 for one change: the refusal if it moves the app's user from a role that lets
/// the app manage roles to one that doesn't.
async fn self_demotion(account: &Account, me: &Arc<User>, c: &Change) -> Option<Diagnostic> {
    if !c.who.is(&me.id, &me.email) {
        return None;
    }
    let now = me.role_id.as_deref()?;
    let next = match &c.moves {
        Move::Into(r) => r.as_str(),
        Move::OutOf(r) if r == now => MEMBER,
        Move::OutOf(_) => return None, // they don't hold it: unassigning changes nothing
    };
    if next == now
        || !lets_manage_roles(account, now).await
        || lets_manage_roles(account, next).await
    {
        return None;
    }
    let from = role_label(account, now).await;
    let to = if next == MEMBER {
        "make them a Member".to_string()
    } else {
        format!(
            "move them to {}, which lacks {}",
            role_label(account, next).await,
            ROLE_MANAGEMENT_PRIVILEGES.join(" or ")
        )
    };
    Some(demotion(me, &from, &to))
}

/// The refusal of a change that would cost `me` (holding `from`) the role management
/// their app needs; `what` says how ("make them a Member").
fn demotion(me: &User, from: &str, what: &str) -> Diagnostic {
    let who = if me.email.is_empty() {
        me.id.clone()
    } else {
        format!("{} (user id {})", me.email, me.id)
    };
    Diagnostic::error(
        "This change would lock Terraform out of Zoom",
        format!(
            "{who} is the user the provider's Zoom app acts as (Zoom answers GET /users/me \
             with them), and {from} lets the app manage roles. This change would {what}. Zoom \
             then takes the app's admin scopes away, and no later plan or apply could change \
             roles again, not even to undo this.\n\nKeep {who} in a role that can manage \
             roles (Owner, Admin, or a custom role with Role:Edit and User:Edit). If you mean \
             it (say the app is about to be transferred to another owner), set \
             allow_lockout = true in the provider block for this one run, or make the change \
             in Zoom's admin pages."
        ),
    )
}

/// What a plan does to a role itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleChange {
    /// A custom role is deleted: its members fall back to Member.
    Deleted,
    /// The role's privileges become exactly these.
    Privileges(Vec<String>),
}

/// Rule 1 for `zoom_role`: refuses deleting the role the app's user holds, or taking
/// `Role:Edit` or `User:Edit` out of it, when it lets the app manage roles. A `zoom_role`
/// needs no user scope, so when Zoom won't say who the app acts as this check stays quiet.
pub async fn check_role(
    data: &ProviderData,
    role_id: &str,
    change: RoleChange,
    attr: Option<&'static str>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Ok(ready) = data.ready() else {
        return diags;
    };
    let account = &ready.account;
    let Ok(me) = account.me().await else {
        return diags;
    };
    if me.role_id.as_deref() != Some(role_id) || !lets_manage_roles(account, role_id).await {
        return diags;
    }
    let what = match &change {
        RoleChange::Deleted if system_role_name(role_id).is_some() => return diags,
        RoleChange::Deleted => "delete it, which makes them a Member".to_string(),
        RoleChange::Privileges(p) => {
            let lost: Vec<&str> = ROLE_MANAGEMENT_PRIVILEGES
                .into_iter()
                .filter(|want| !p.iter().any(|have| have == want))
                .collect();
            if lost.is_empty() {
                return diags;
            }
            format!("take {} out of it", lost.join(" and "))
        }
    };
    let from = role_label(account, role_id).await;
    diags.push(refusal(
        demotion(&me, &from, &what),
        attr,
        ready.settings.allow_lockout,
    ));
    diags
}

/// Rule 2 over every change of this plan so far: the refusal if the Admin role would be
/// left without members.
async fn last_admin(
    data: &ProviderData,
    account: &Account,
    changes: &[Change],
) -> Option<Diagnostic> {
    let leaves_admin = |m: &Move| match m {
        Move::Into(r) => r != ADMIN,
        Move::OutOf(r) => r == ADMIN,
    };
    let joins_admin = changes
        .iter()
        .any(|c| c.moves == Move::Into(ADMIN.to_string()));
    if joins_admin || !changes.iter().any(|c| leaves_admin(&c.moves)) {
        return None; // someone takes the role in the same change (a new member list)
    }
    let admins = account.role_members(ADMIN).await.ok()??;
    let admins = admins.members();
    if admins.is_empty() {
        return None; // nobody to lose
    }
    let leaving: Vec<String> = admins
        .iter()
        .filter(|a| {
            changes
                .iter()
                .any(|c| leaves_admin(&c.moves) && c.who.is(&a.id, &a.email))
        })
        .map(|a| a.id.clone())
        .collect();
    if leaving.is_empty() {
        return None;
    }
    let all_leaving = data.claims.leaving_admin(&leaving);
    if admins.iter().any(|a| !all_leaving.contains(&a.id)) {
        return None;
    }
    let names: Vec<String> = admins
        .iter()
        .map(|a| {
            if a.email.is_empty() {
                a.id.clone()
            } else {
                a.email.clone()
            }
        })
        .collect();
    Some(Diagnostic::error(
        "This change would leave the account without an Admin",
        format!(
            "After this plan the Admin role (id \"1\") would have no members: {} {} its last. \
             The provider's Zoom app doesn't act as the account Owner, so an account without \
             Admins can leave nobody but the Owner able to manage roles.\n\nAdd the new Admin \
             in one apply and remove the old one in the next. If you mean it, set \
             allow_lockout = true in the provider block for this one run.",
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" }
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_matched_by_id_or_email_in_any_case() {
        let w = Who::new(None, Some("Paul@Example.com"));
        assert!(w.is("u1", "paul@example.com"));
        assert!(!w.is("u1", ""));
        assert!(Who::entry("u1").is("u1", "x@example.com"));
        assert!(!Who::entry("u1").is("", "u1"));
        assert_eq!(Who::new(Some(""), None), Who::default());
    }
}
