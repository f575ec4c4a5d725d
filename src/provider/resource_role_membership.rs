//! `zoom_role_membership`: one user holding one role. Reads top to bottom as schema,
//! validate, plan, create, read, update, delete, import.
//!
//! Zoom's rule shapes everything here: a user holds exactly one role. Assigning moves the
//! user out of their old role, so changing `role_id` is one assign call to the new role
//! (never unassign-then-assign, which would leave the user a Member if the second call
//! failed); destroying unassigns, and the user falls back to Member. Owner and Member can't
//! take members through the API, so `role_id` "0" and "2" are refused at plan time.
//! Refresh reads each role's member list once per provider process (see `cache`).

use std::sync::Arc;

use async_trait::async_trait;

use super::account::Account;
use super::claims::Claim;
use super::errors::zoom_diag;
use super::lockout;
use super::shared::{
    account_attribute, account_in, account_of, default_account, is_plausible_email,
    list_account_arguments, plan_account, qualified, split_qualified, system_role_name,
    validate_account, ACCOUNT_ID, MEMBER, OWNER,
};
use super::ProviderData;
use crate::tfplugin::{
    AttrPath, Attribute, Block, Diagnostic, Diagnostics, Plan, Resource, Schema, Value,
};
use crate::tfplugin::{IdentitySchema, Listed};
use crate::zoom::{MemberRef, User};

pub struct RoleMembershipResource {
    pub(super) data: Arc<ProviderData>,
}

#[async_trait]
impl Resource for RoleMembershipResource {
    fn type_name(&self) -> &'static str {
        "zoom_role_membership"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "Makes one Zoom user hold one role. A Zoom user holds exactly one role, so this \
                 resource moves the user into `role_id` (out of whatever role they held); \
                 changing `role_id` moves them again in place, and destroying it returns them to \
                 the Member role. Name the user by `email` or `user_id` (or both, if they agree). \
                 Don't give one user two memberships: they would take turns holding the role.",
                vec![
                    Attribute::string("id")
                        .computed()
                        .describe("`<role_id>/<user_id>`, or `<account_id>/<role_id>/<user_id>` in a sub-account. Import takes these forms or the same with the user's email instead of their id."),
                    account_attribute(),
                    Attribute::string("role_id")
                        .required()
                        .describe("The role to hold: `1` for Admin, or a custom role's id (e.g. `zoom_role.auditors.id`). Owner (`0`) and Member (`2`) can't be assigned through Zoom's API: Member is what destroying a membership returns a user to."),
                    Attribute::string("user_id")
                        .optional()
                        .computed()
                        .use_state_for_unknown()
                        .requires_replace()
                        .describe("The user's Zoom id. Set this or `email`; the other is filled in. Naming another user replaces the membership."),
                    Attribute::string("email")
                        .optional()
                        .computed()
                        .use_state_for_unknown()
                        .requires_replace()
                        .describe("The user's email, compared without regard to case: a spelling that differs only in case from the state's plans no change, and the state keeps the spelling it was created or imported with. Set this or `user_id`; the other is filled in. Naming another user replaces the membership."),
                ],
            ),
        )
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = validate_account(config);
        if let Some(role_id) = config.attr("role_id").as_str() {
            if role_id.trim().is_empty() {
                diags.push(
                    Diagnostic::error(
                        "Empty role_id",
                        "role_id must name a Zoom role, e.g. \"1\" for Admin.",
                    )
                    .at_attr("role_id"),
                );
            } else if let Some(why) = unassignable_role(role_id) {
                let name = system_role_name(role_id).unwrap_or_default();
                diags.push(
                    Diagnostic::error(format!("The {name} role can't be assigned"), why)
                        .at_attr("role_id"),
                );
            }
        }
        let user_id = config.attr("user_id");
        let email = config.attr("email");
        if user_id.is_null() && email.is_null() {
            diags.push(Diagnostic::error(
                "No user named",
                "A zoom_role_membership needs the user: set email (e.g. email = \"paul@example.com\") \
                 or user_id, or both if they name the same user.",
            ));
        }
        if let Some(e) = email.as_str() {
            if !is_plausible_email(e) {
                diags.push(
                    Diagnostic::error(
                        "Malformed email",
                        format!("{e:?} is not an email address; write it as name@example.com."),
                    )
                    .at_attr("email"),
                );
            }
        }
        if let Some(u) = user_id.as_str() {
            if u.trim().is_empty() || u.contains('/') || u.contains(char::is_whitespace) {
                diags.push(
                    Diagnostic::error(
                        "Malformed user_id",
                        format!(
                            "{u:?} is not a Zoom user id (ids look like \"z8yCxjabcdEFGhij8ABCdeF\")."
                        ),
                    )
                    .at_attr("user_id"),
                );
            }
        }
        diags
    }

    async fn plan(&self, plan: &mut Plan) {
        let data = &self.data;
        if plan.is_destroy() {
            // Destroying returns the user to Member: refused if that locks the app out.
            let changes = leaving_prior(&plan.prior, None);
            let refusals = lockout::check(data, &changes).await;
            plan.diagnostics.extend(refusals);
            return;
        }
        plan_account(data, plan);
        let account_known = !plan.planned.attr(ACCOUNT_ID).is_unknown();
        let account = account_in(&plan.planned).map(str::to_string);
        // The lock-out rail guards the app's own account: the user the app acts as is one
        // of its users, and a sub-account's roles don't grant the app its scopes.
        let guards_lockout = account.is_none() && account_known;
        // An email that differs only in case names the same user: no change at all, the state
        // keeps its spelling (so an import plans empty whatever case the configuration uses).
        if plan.is_update() {
            let prior_email = plan.prior.attr("email").clone();
            let same_email = match (plan.planned.attr("email").as_str(), prior_email.as_str()) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            };
            if same_email {
                plan.planned.set_attr("email", prior_email);
                plan.requires_replace
                    .retain(|p| *p != AttrPath::attr("email"));
            }
        }
        if let (Some(role_id), true) = (plan.planned.attr("role_id").as_str(), account_known) {
            let key = qualified(account.as_deref(), role_id);
            if let Some(conflict) = data.claims.claim_role_mode(&key, false) {
                plan.diagnostics.push(conflict.at_attr("role_id"));
            }
        }
        // A replacement (another user or account) is planned again as a create, which
        // checks against Zoom then.
        let moving = plan.is_create() || plan.planned.attr("role_id") != plan.prior.attr("role_id");
        if moving {
            if let (Ok(ready), true) = (data.ready(), account_known) {
                let handle = ready.account_for(account.as_deref());
                check_against_zoom(data, &handle, plan, guards_lockout).await;
            }
        } else if let (Some(user_id), Some(role_id)) = (
            plan.planned.attr("user_id").as_str().map(str::to_string),
            plan.planned.attr("role_id").as_str().map(str::to_string),
        ) {
            // Unchanged, but another membership may be moving the same user elsewhere.
            claim_user(data, plan, &user_id, &role_id);
        }
        if !plan.diagnostics.has_errors() && guards_lockout {
            check_lockout(data, plan, moving).await;
        }
        let id = if account_known {
            composite_id(
                account.as_deref(),
                plan.planned.attr("role_id"),
                plan.planned.attr("user_id"),
            )
        } else {
            Value::Unknown
        };
        if !id.is_unknown() {
            plan.planned.set_attr("id", id);
        }
    }

    async fn create(
        &self,
        config: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let data = &self.data;
        assign(data, config, planned, diags).await
    }

    async fn read(&self, state: &Value, diags: &mut Diagnostics) -> Option<Value> {
        let data = &self.data;
        let ready = data.ready().map_err(|d| diags.push(d)).ok()?;
        let account = account_of(&ready, state);
        let role_id = state.attr("role_id").as_str()?.to_string();
        let user_id = state.attr("user_id").as_str();
        let email = state.attr("email").as_str();
        let members = match account.role_members(&role_id).await {
            Ok(Some(m)) => m,
            Ok(None) => {
                tracing::info!(role_id = %role_id, "role no longer exists; membership removed from state");
                return None;
            }
            Err(e) => {
                diags.push(zoom_diag(&e, None));
                return Some(state.clone());
            }
        };
        let Some(member) = members.find(user_id, email) else {
            warn_moved(&account, &role_id, user_id.or(email), diags).await;
            return None;
        };
        let mut s = state.clone();
        s.set_attr("user_id", member.id.as_str());
        let keep_spelling = email.is_some_and(|e| e.eq_ignore_ascii_case(&member.email));
        if !keep_spelling && !member.email.is_empty() {
            s.set_attr("email", member.email.as_str());
        }
        s.set_attr(
            "id",
            qualified(account_in(state), &format!("{role_id}/{}", member.id)),
        );
        Some(s)
    }

    async fn update(
        &self,
        prior: &Value,
        config: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let data = &self.data;
        if planned.attr("role_id") == prior.attr("role_id") {
            // Only the spelling of the email changed: nothing to tell Zoom.
            let mut s = planned.clone();
            if s.attr("id").is_unknown() {
                s.set_attr("id", prior.attr("id").clone());
            }
            return Some(s);
        }
        // One assign to the new role moves the user: Zoom takes them out of the old one.
        assign(data, config, planned, diags).await
    }

    async fn delete(&self, prior: &Value, diags: &mut Diagnostics) {
        let data = &self.data;
        let Ok(ready) = data.ready().map_err(|d| diags.push(d)) else {
            return;
        };
        // Again at apply: Terraform before 1.3 never shows a provider its destroy plans.
        let refusals = lockout::check(data, &leaving_prior(prior, None)).await;
        let account = account_of(&ready, prior);
        let refused = refusals.has_errors();
        diags.extend(refusals);
        if refused {
            return;
        }
        let (Some(role_id), Some(user_id)) = (
            prior.attr("role_id").as_str(),
            prior.attr("user_id").as_str(),
        ) else {
            return;
        };
        // A user already out of the role (or moved) counts as unassigned: see Account.
        if let Err(e) = account.unassign(role_id, user_id).await {
            diags.push(zoom_diag(&e, None));
        }
    }

    async fn import(&self, id: &str, diags: &mut Diagnostics) -> Option<Value> {
        let (account, role_id, member) = parse_import_id(id).map_err(|d| diags.push(d)).ok()?;
        let account = account.or_else(|| default_account(&self.data));
        let state = import_state(account.as_deref(), &role_id, &member);
        if let Ok(ready) = self.data.ready() {
            let handle = ready.account_for(account.as_deref());
            super::import_check::membership_exists(&handle, &role_id, &member)
                .await
                .map_err(|d| diags.push(d))
                .ok()?;
        }
        Some(state)
    }

    /// What a person writes for an existing membership: the role and the user, by email
    /// because people read it in reviews (by id only when Zoom has no email for the user).
    /// Never both: they would have to be kept in agreement by hand.
    fn generate_config(&self, state: &Value) -> Value {
        let email = state.attr("email").as_str().filter(|e| !e.is_empty());
        let (user_id, email) = match email {
            Some(e) => (Value::Null, Value::from(e)),
            None => (state.attr("user_id").clone(), Value::Null),
        };
        Value::object([
            ("id", Value::Null),
            (ACCOUNT_ID, state.attr(ACCOUNT_ID).clone()),
            ("role_id", state.attr("role_id").clone()),
            ("user_id", user_id),
            ("email", email),
        ])
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(
            IdentitySchema::new(&[
                ("role_id", "The role's Zoom id."),
                ("user_id", "The user's Zoom id."),
            ])
            .optional(
                ACCOUNT_ID,
                "The sub-account; unset in the app's own account.",
            ),
        )
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        let role = identity.attr("role_id").as_str()?;
        let user = identity.attr("user_id").as_str()?;
        Some(qualified(account_in(identity), &format!("{role}/{user}")))
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(Schema::new(
            0,
            Block::new(
                "Lists role memberships: every user who holds a role that can take members \
                 (Admin and custom roles; Owner and Member are left out), in one account or in \
                 every sub-account.",
                std::iter::once(Attribute::string("role_id").optional().describe(
                    "Only this role's members. Omitted: every role that can hold members.",
                ))
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
        let mut out = Vec::new();
        for account in super::shared::list_accounts(&ready, config, diags).await {
            if !list_one_account(&ready, account.as_deref(), config, &mut out, diags).await {
                break;
            }
        }
        out
    }
}

/// Lists the memberships of one account into `out`; false after an error.
async fn list_one_account(
    ready: &super::Ready,
    account_id: Option<&str>,
    config: &Value,
    out: &mut Vec<Listed>,
    diags: &mut Diagnostics,
) -> bool {
    {
        let account = ready.account_for(account_id);
        let account_value = account_id.map_or(Value::Null, Value::from);
        let roles = match account.roles().await {
            Ok(r) => r,
            Err(e) => {
                diags.push(zoom_diag(&e, None));
                return false;
            }
        };
        let wanted = config.attr("role_id").as_str();
        if let Some(id) = wanted {
            if let Some(why) = unassignable_role(id) {
                diags.push(
                    Diagnostic::error("This role's members can't be managed", why)
                        .at_attr("role_id"),
                );
                return false;
            }
        }
        for role in roles
            .iter()
            .filter(|r| unassignable_role(&r.id).is_none())
            .filter(|r| wanted.is_none_or(|w| w == r.id))
        {
            let members = match account.role_members(&role.id).await {
                Ok(Some(m)) => m.members().to_vec(),
                Ok(None) => continue,
                Err(e) => {
                    diags.push(zoom_diag(&e, None));
                    return false;
                }
            };
            for m in members.into_iter().filter(|m| !m.id.is_empty()) {
                let display_name = match account_id {
                    Some(a) => format!("{} ({}, {a})", m.email, role.name),
                    None => format!("{} ({})", m.email, role.name),
                };
                out.push(Listed {
                    display_name,
                    state: Value::object([
                        (
                            "id",
                            Value::from(qualified(account_id, &format!("{}/{}", role.id, m.id))),
                        ),
                        (ACCOUNT_ID, account_value.clone()),
                        ("role_id", Value::from(role.id.as_str())),
                        ("user_id", Value::from(m.id)),
                        ("email", Value::from(m.email)),
                    ]),
                });
            }
        }
        true
    }
}

// ---- validate --------------------------------------------------------------------------

/// Why a role id can't hold memberships, if it can't.
fn unassignable_role(role_id: &str) -> Option<String> {
    match role_id {
        OWNER => Some(
            "The Owner role (id \"0\") can't be given through Zoom's API: ownership is \
             transferred in Zoom's admin pages (Account Profile > Change Account Owner)."
                .to_string(),
        ),
        MEMBER => Some(
            "The Member role (id \"2\") can't be assigned through Zoom's API; it is what a user \
             falls back to when their membership is destroyed. To make a user a Member, remove \
             their zoom_role_membership."
                .to_string(),
        ),
        _ => None,
    }
}

// ---- plan ------------------------------------------------------------------------------

fn composite_id(account: Option<&str>, role_id: &Value, user_id: &Value) -> Value {
    match (role_id.as_str(), user_id.as_str()) {
        (Some(r), Some(u)) => Value::from(qualified(account, &format!("{r}/{u}"))),
        _ => Value::Unknown,
    }
}

/// The attribute that named the user in `config`, for diagnostics.
fn user_attr(config: &Value) -> &'static str {
    if config.attr("email").is_null() {
        "user_id"
    } else {
        "email"
    }
}

/// The prior state's user leaving the prior role (destroy, or the destroy half of a
/// replacement): they fall back to Member if they still hold it.
fn leaving_prior(prior: &Value, attr: Option<&'static str>) -> Vec<lockout::Change> {
    let Some(role_id) = prior.attr("role_id").as_str() else {
        return Vec::new();
    };
    vec![lockout::Change {
        who: lockout::Who::new(prior.attr("user_id").as_str(), prior.attr("email").as_str()),
        moves: lockout::Move::OutOf(role_id.to_string()),
        attr,
    }]
}

/// The lock-out rail (see `lockout`) for a create or update: the user moving into the
/// planned role, and on a replacement the prior user leaving theirs.
async fn check_lockout(data: &ProviderData, plan: &mut Plan, moving: bool) {
    let mut changes = Vec::new();
    if plan.is_update() && !plan.requires_replace.is_empty() {
        changes.extend(leaving_prior(&plan.prior, Some(user_attr(&plan.config))));
    }
    if moving {
        if let Some(role_id) = plan.planned.attr("role_id").as_str() {
            let who = lockout::Who::new(
                plan.planned.attr("user_id").as_str(),
                plan.planned.attr("email").as_str(),
            );
            if who != lockout::Who::default() {
                changes.push(lockout::Change {
                    who,
                    moves: lockout::Move::Into(role_id.to_string()),
                    attr: Some("role_id"),
                });
            }
        }
    }
    let refusals = lockout::check(data, &changes).await;
    plan.diagnostics.extend(refusals);
}

/// Plan-time checks that need Zoom: the role exists, the user exists (and user_id and
/// email agree), and no other membership in this plan claims the same user.
/// `guards_lockout`: the lock-out check follows, so the app's own user is read alongside.
async fn check_against_zoom(
    data: &ProviderData,
    account: &Account,
    plan: &mut Plan,
    guards_lockout: bool,
) {
    let role_id = plan.planned.attr("role_id").as_str().map(str::to_string);
    // Resolve the user once: by id when given, else by email.
    let config_id = plan.config.attr("user_id").as_str().map(str::to_string);
    let config_email = plan.config.attr("email").as_str().map(str::to_string);
    let known = match (
        plan.planned.attr("user_id").as_str(),
        plan.planned.attr("email").as_str(),
    ) {
        // Already resolved in state (a role change): nothing to look up.
        (Some(id), Some(email)) if !plan.is_create() => Some(User {
            id: id.to_string(),
            email: email.to_string(),
            ..Default::default()
        }),
        _ => None,
    };
    let who = config_id.clone().or(config_email.clone());
    // The role list, the user and the app's own user (for the lock-out check that
    // follows) don't depend on each other: ask
    // for them together, so that a plan waits on Zoom once rather than three times in a
    // row. Each is read once per process.
    let (roles, looked_up, _) = tokio::join!(
        async {
            match &role_id {
                Some(_) => Some(account.roles().await),
                None => None,
            }
        },
        async {
            match (&known, &who) {
                (None, Some(who)) => Some(lookup_user(account, who).await),
                _ => None,
            }
        },
        async {
            if guards_lockout {
                let _ = account.me().await;
            }
        },
    );
    if let (Some(role_id), Some(roles)) = (&role_id, roles) {
        match roles {
            Ok(roles) if !roles.iter().any(|r| &r.id == role_id) => {
                plan.diagnostics.push(
                    Diagnostic::error(
                        "Role not found",
                        format!(
                            "Zoom has no role with id {role_id:?}. Use \"1\" for Admin, or a custom \
                             role's id: reference a zoom_role resource's id, or find it in Zoom's \
                             admin pages (User Management > Roles)."
                        ),
                    )
                    .at_attr("role_id"),
                );
                return;
            }
            Ok(_) => {}
            Err(e) => {
                plan.diagnostics.push(zoom_diag(&e, Some("role_id")));
                return;
            }
        }
    }
    let user = match (known, looked_up) {
        (Some(u), _) => u,
        (None, Some(Ok(u))) => u,
        (None, Some(Err(d))) => {
            plan.diagnostics.push(d.at_attr(user_attr(&plan.config)));
            return;
        }
        (None, None) => return, // unknown until apply
    };
    if let (Some(id), Some(email)) = (&config_id, &config_email) {
        if &user.id != id || !user.email.eq_ignore_ascii_case(email) {
            plan.diagnostics.push(
                Diagnostic::error(
                    "user_id and email name different users",
                    format!(
                        "user_id {id:?} belongs to {:?}, but email is {email:?}. Give one of \
                         them, or make both name the same user.",
                        user.email
                    ),
                )
                .at_attr("email"),
            );
            return;
        }
    }
    if plan.config.attr("user_id").is_null() {
        plan.planned.set_attr("user_id", user.id.as_str());
    }
    if plan.config.attr("email").is_null() {
        plan.planned.set_attr("email", user.email.as_str());
    }
    if let Some(role_id) = role_id {
        claim_user(data, plan, &user.id, &role_id);
    }
}

/// Registers this membership's claim on the user for this plan, and reports another
/// membership that puts the same user into a different role.
fn claim_user(data: &ProviderData, plan: &mut Plan, user_id: &str, role_id: &str) {
    let named_as = ["email", "user_id"]
        .iter()
        .find_map(|a| plan.config.attr(a).as_str().map(str::to_string))
        .unwrap_or_else(|| user_id.to_string());
    let claim = Claim {
        role_id: role_id.to_string(),
        named_as: named_as.clone(),
    };
    let key = qualified(account_in(&plan.planned), user_id);
    if let Some(other) = data.claims.claim(&key, claim) {
        plan.diagnostics.push(
            Diagnostic::error(
                "One user, two roles",
                format!(
                    "Two zoom_role_membership resources name the same user ({} and {}): one \
                     puts them in role {:?}, this one in role {role_id:?}. A Zoom user holds \
                     exactly one role, so the two would undo each other on every apply. \
                     Keep one membership per user.",
                    other.named_as, named_as, other.role_id
                ),
            )
            .at_attr("role_id"),
        );
    }
}

async fn lookup_user(account: &Account, who: &str) -> Result<User, Diagnostic> {
    match account.user(who).await {
        Ok(u) => Ok(u),
        Err(e) if e.is_not_found() => Err(Diagnostic::error(
            "User not found",
            format!(
                "Zoom has no user {who:?}. Check the spelling, and that the user has joined \
                 the account (invited users who haven't accepted can't hold roles). {}",
                super::errors::explain(&e)
            ),
        )),
        Err(e) => Err(zoom_diag(&e, None)),
    }
}

// ---- create ----------------------------------------------------------------------------

/// Assigns the planned user to the planned role (create, and the in-place move of update).
async fn assign(
    data: &ProviderData,
    config: &Value,
    planned: &Value,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let ready = data.ready().map_err(|d| diags.push(d)).ok()?;
    let account = &account_of(&ready, planned);
    let role_id = planned.attr("role_id").as_str()?.to_string();
    let mut state = planned.clone();
    // Plan resolves the user when it can; when it couldn't (values unknown then), now.
    let (user_id, email) = match (
        planned.attr("user_id").as_str(),
        planned.attr("email").as_str(),
    ) {
        (Some(id), Some(email)) => (id.to_string(), email.to_string()),
        _ => {
            let who = planned
                .attr("user_id")
                .as_str()
                .or(planned.attr("email").as_str())?;
            match lookup_user(account, who).await {
                Ok(u) => (u.id, u.email),
                Err(d) => {
                    diags.push(d.at_attr(user_attr(config)));
                    return None;
                }
            }
        }
    };
    // Concurrent memberships of this role share assign calls (see zoom::AssignBatcher).
    if let Err(e) = account.assign(&role_id, &user_id, &email).await {
        // A missing user is about the user; everything else (a missing role, Owner/Member
        // refusals) the role.
        let attr = if e.is_user_not_found() {
            user_attr(config)
        } else {
            "role_id"
        };
        diags.push(zoom_diag(&e, Some(attr)));
        return None;
    }
    if state.attr("user_id").is_unknown() {
        state.set_attr("user_id", user_id.as_str());
    }
    if state.attr("email").is_unknown() {
        state.set_attr("email", email.as_str());
    }
    state.set_attr(
        "id",
        qualified(account_in(planned), &format!("{role_id}/{user_id}")),
    );
    Some(state)
}

// ---- read ------------------------------------------------------------------------------

/// Drift: the user no longer holds the role. Say where they are now, one cheap lookup.
async fn warn_moved(account: &Account, role_id: &str, who: Option<&str>, diags: &mut Diagnostics) {
    let Some(who) = who else { return };
    let now = match account.get_user(who).await {
        Ok(u) => match (u.role_name, u.role_id) {
            (Some(name), Some(id)) => format!("They now hold the {name} role (id {id})."),
            _ => String::new(),
        },
        Err(e) if e.is_not_found() => "The user no longer exists in Zoom.".to_string(),
        Err(_) => String::new(),
    };
    diags.push(Diagnostic::warning(
        "Role membership changed outside Terraform",
        format!(
            "{who} no longer holds role {role_id:?}. {now} The next apply assigns the role again; \
             if the change was intended, update the configuration (and if SAML role mapping is \
             on, it may keep re-setting roles at each login)."
        ),
    ));
}

// ---- import ----------------------------------------------------------------------------

/// The parts of a membership's import id: the sub-account (if named), the role, the user.
pub type ImportId = (Option<String>, String, MemberRef);

/// Parses `<role_id>/<user_id>` or `<role_id>/<email>`, each optionally preceded by
/// `<account_id>/` (a sub-account).
pub fn parse_import_id(id: &str) -> Result<ImportId, Diagnostic> {
    let bad = |why: &str| {
        Diagnostic::error(
            "Invalid import ID",
            format!(
                "{id:?} {why}. Import a membership as <role_id>/<user_id> or <role_id>/<email>, \
                 e.g. `terraform import zoom_role_membership.paul 1/paul@example.com`, or in a \
                 sub-account as <account_id>/<role_id>/<user_id or email>."
            ),
        )
    };
    let trimmed = id.trim();
    if !trimmed.contains('/') {
        return Err(bad("has no '/'"));
    }
    let Some((account, parts)) = split_qualified(trimmed, 2) else {
        return Err(if trimmed.split('/').count() > 3 {
            bad("has more than two '/'")
        } else {
            bad("has an empty part")
        });
    };
    let (role_id, user) = (parts[0].as_str(), parts[1].as_str());
    if let Some(why) = unassignable_role(role_id) {
        return Err(Diagnostic::error("This membership can't be managed", why));
    }
    let member = if user.contains('@') {
        if !is_plausible_email(user) {
            return Err(bad("does not end in a valid email"));
        }
        MemberRef::Email(user.to_string())
    } else {
        MemberRef::Id(user.to_string())
    };
    if let Some(a) = &account {
        if let Some(why) = super::config::bad_account_id(a) {
            return Err(bad(&format!("names account {a:?}, which {why}")));
        }
    }
    Ok((account, role_id.to_string(), member))
}

fn import_state(account: Option<&str>, role_id: &str, member: &MemberRef) -> Value {
    let (user_id, email, user) = match member {
        MemberRef::Id(u) => (Value::from(u.as_str()), Value::Null, u),
        MemberRef::Email(e) => (Value::Null, Value::from(e.as_str()), e),
    };
    Value::object([
        (
            "id",
            Value::from(qualified(account, &format!("{role_id}/{user}"))),
        ),
        (ACCOUNT_ID, account.map_or(Value::Null, Value::from)),
        ("role_id", Value::from(role_id)),
        ("user_id", user_id),
        ("email", email),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validate(config: &Value) -> Diagnostics {
        RoleMembershipResource {
            data: Default::default(),
        }
        .validate(config)
    }

    fn generate_config(state: &Value) -> Value {
        RoleMembershipResource {
            data: Default::default(),
        }
        .generate_config(state)
    }

    fn config(role: Value, user_id: Value, email: Value) -> Value {
        Value::object([
            ("id", Value::Null),
            ("account_id", Value::Null),
            ("role_id", role),
            ("user_id", user_id),
            ("email", email),
        ])
    }

    #[test]
    fn owner_and_member_are_refused_with_reasons() {
        for (role, word) in [("0", "Owner"), ("2", "Member")] {
            let d = validate(&config(role.into(), Value::Null, "a@example.com".into()));
            assert_eq!(d.0.len(), 1);
            assert!(d.0[0].summary.contains(word));
            assert_eq!(d.0[0].attribute, Some(AttrPath::attr("role_id")));
        }
        assert!(validate(&config("1".into(), Value::Null, "a@example.com".into())).is_empty());
    }

    #[test]
    fn a_user_must_be_named_well() {
        let d = validate(&config("1".into(), Value::Null, Value::Null));
        assert_eq!(d.0[0].summary, "No user named");
        let d = validate(&config("1".into(), Value::Null, "paul.example.com".into()));
        assert_eq!(d.0[0].summary, "Malformed email");
        assert_eq!(d.0[0].attribute, Some(AttrPath::attr("email")));
        let d = validate(&config("1".into(), "a b".into(), Value::Null));
        assert_eq!(d.0[0].summary, "Malformed user_id");
        assert!(validate(&config(Value::Unknown, Value::Unknown, Value::Null)).is_empty());
    }

    #[test]
    fn import_ids_table() {
        type Want = Result<(Option<&'static str>, &'static str, MemberRef), &'static str>;
        let id = |s: &str| MemberRef::Id(s.into());
        let email = |s: &str| MemberRef::Email(s.into());
        let cases: &[(&str, Want)] = &[
            ("1/u123", Ok((None, "1", id("u123")))),
            (
                "1/Paul@Example.com",
                Ok((None, "1", email("Paul@Example.com"))),
            ),
            ("RqBLcd1jLS9a7R/u1", Ok((None, "RqBLcd1jLS9a7R", id("u1")))),
            (" 1/u1 ", Ok((None, "1", id("u1")))),
            // The account-qualified forms.
            ("sub1/1/u1", Ok((Some("sub1"), "1", id("u1")))),
            (
                "sub1/R2/a@example.com",
                Ok((Some("sub1"), "R2", email("a@example.com"))),
            ),
            (" sub1/1/u1 ", Ok((Some("sub1"), "1", id("u1")))),
            ("1", Err("Invalid import ID")),
            ("/u1", Err("Invalid import ID")),
            ("1/", Err("Invalid import ID")),
            ("1/u1/x/y", Err("Invalid import ID")),
            ("/1/u1", Err("Invalid import ID")),
            ("sub1//u1", Err("Invalid import ID")),
            ("sub1/1/", Err("Invalid import ID")),
            ("sub 1/1/u1", Err("Invalid import ID")),
            ("1/paul@", Err("Invalid import ID")),
            ("sub1/1/paul@", Err("Invalid import ID")),
            ("0/u1", Err("This membership can't be managed")),
            ("2/a@example.com", Err("This membership can't be managed")),
            (
                "sub1/2/a@example.com",
                Err("This membership can't be managed"),
            ),
        ];
        for (id, want) in cases {
            match (parse_import_id(id), want) {
                (Ok((a, r, m)), Ok((wa, wr, wm))) => {
                    assert_eq!((a.as_deref(), r.as_str(), &m), (*wa, *wr, wm), "{id}");
                }
                (Err(d), Err(summary)) => assert_eq!(&d.summary, summary, "{id}"),
                (got, want) => panic!("{id}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn generated_config_names_the_user_by_email_or_else_id() {
        let state = |email: Value| {
            Value::object([
                ("id", Value::from("1/u1")),
                ("account_id", Value::Null),
                ("role_id", Value::from("1")),
                ("user_id", Value::from("u1")),
                ("email", email),
            ])
        };
        let c = generate_config(&state("paul@example.com".into()));
        assert_eq!(
            c,
            config("1".into(), Value::Null, "paul@example.com".into())
        );
        let c = generate_config(&state("".into()));
        assert_eq!(c, config("1".into(), "u1".into(), Value::Null));
    }

    #[test]
    fn composite_ids_wait_for_both_parts() {
        assert_eq!(
            composite_id(None, &"1".into(), &"u".into()),
            Value::from("1/u")
        );
        assert_eq!(
            composite_id(Some("sub1"), &"1".into(), &"u".into()),
            Value::from("sub1/1/u")
        );
        assert!(composite_id(None, &Value::Unknown, &"u".into()).is_unknown());
        assert!(composite_id(None, &"1".into(), &Value::Null).is_unknown());
    }
}
