//! Why an import found nothing. Terraform's own answer to an import whose object is missing
//! is a generic "Cannot import non-existent remote object"; before a resource's import
//! hands its state to read, these checks look the object up and, when it is not there,
//! say what Zoom has instead (the role the user holds now, the roles that exist) and what
//! to import or write. Used by every resource's import, so import by ID and by identity
//! (which the framework turns into the same ID) both get them. A lookup that fails for
//! another reason (network, scopes) lets the import go on: read reports that failure.

use super::account::Account;
use super::shared::brief_roles;
use crate::tfplugin::Diagnostic;
use crate::zoom::MemberRef;

/// `zoom_role` and `zoom_role_members` imports: the role must exist. Answered from the
/// process's role list when it names the role (one listing however many imports), else
/// by asking for the role itself (the list holds only `common` roles).
pub(super) async fn role_exists(
    account: &Account,
    resource: &str,
    role_id: &str,
) -> Result<(), Diagnostic> {
    if let Ok(roles) = account.roles().await {
        if roles.iter().any(|r| r.id == role_id) {
            return Ok(());
        }
    }
    match account.get_role(role_id).await {
        Err(e) if e.is_not_found() => Err(no_such_role(account, resource, role_id).await),
        _ => Ok(()),
    }
}

async fn no_such_role(account: &Account, resource: &str, role_id: &str) -> Diagnostic {
    let roles = account.roles().await.unwrap_or_default();
    Diagnostic::error(
        format!("Cannot import {resource}: no role {role_id:?}"),
        format!(
            "Zoom has no role with id {role_id:?} (it may have been deleted, or the id is \
             mistyped). The account's roles: {}. Import one of those by its id, or leave the \
             import out and let Terraform create the role from the configuration.",
            brief_roles(&roles)
        ),
    )
}

/// `zoom_role_membership` imports: the user must exist and hold the role.
pub(super) async fn membership_exists(
    account: &Account,
    role_id: &str,
    member: &MemberRef,
) -> Result<(), Diagnostic> {
    let who = match member {
        MemberRef::Id(s) | MemberRef::Email(s) => s.as_str(),
    };
    const RESOURCE: &str = "zoom_role_membership";
    // The role's member list, shared with read (one traversal per role however many
    // memberships are imported): a member found there is the common case, and costs
    // nothing more.
    let (by_id, by_email) = match member {
        MemberRef::Id(s) => (Some(s.as_str()), None),
        MemberRef::Email(s) => (None, Some(s.as_str())),
    };
    let role_exists = match account.role_members(role_id).await {
        Ok(Some(m)) if m.find(by_id, by_email).is_some() => return Ok(()),
        Ok(Some(_)) => true,
        Ok(None) => false,
        Err(_) => return Ok(()),
    };
    let user = match account.user(who).await {
        Ok(u) => u,
        Err(e) if e.is_user_not_found() => {
            return Err(Diagnostic::error(
                format!("Cannot import {RESOURCE}: no user {who:?}"),
                format!(
                    "Zoom has no user {who:?} in this account, so there is no membership \
                     {role_id}/{who} to import. Check the spelling of the email or user id \
                     (the zoom_user data source looks users up); invited users who have not \
                     accepted yet can't hold roles."
                ),
            ));
        }
        Err(_) => return Ok(()),
    };
    let holds = user.role_id.as_deref().unwrap_or("2");
    if holds == role_id && role_exists {
        // The listing lagged behind an assignment: read will find it.
        return Ok(());
    }
    let roles = account.roles().await.ok();
    let now = match user.role_name.as_deref() {
        Some(name) => format!("the {name} role (id {holds:?})"),
        None => format!("role {holds:?}"),
    };
    let display = if user.email.is_empty() {
        who.to_string()
    } else {
        user.email.clone()
    };
    let instead = if holds == "0" || holds == "2" {
        String::new()
    } else {
        format!(
            " To bring the assignment Zoom has under Terraform, import {holds}/{display} \
             instead (`terraform import <address> {holds}/{display}`, or an import block with \
             that id)."
        )
    };
    if !role_exists {
        let roles = roles.map(|r| r.to_vec()).unwrap_or_default();
        return Err(Diagnostic::error(
            format!("Cannot import {RESOURCE}: no role {role_id:?}"),
            format!(
                "Zoom has no role with id {role_id:?}; {display} holds {now}. The account's \
                 roles: {}.{instead}",
                brief_roles(&roles)
            ),
        ));
    }
    Err(Diagnostic::error(
        format!("Cannot import {RESOURCE}: {display} does not hold role {role_id:?}"),
        format!(
            "{display} holds {now} now, not role {role_id:?} (a Zoom user holds exactly one \
             role).{instead} To make them hold role {role_id:?}, don't import: write the \
             zoom_role_membership with role_id = {role_id:?} and apply, which moves them in \
             one call."
        ),
    ))
}
