//! `zoom_role_members`: the authoritative member set of one role. Reads top to bottom as
//! schema, validate, plan, create, read, update, delete, import.
//!
//! Everyone listed holds the role after apply; everyone else who holds it is removed (and
//! falls back to Member). Members added in Zoom's admin pages therefore show as drift and
//! are removed by the next apply. Don't combine it with `zoom_role_membership` on the same
//! role: the two would undo each other, and a plan that does is refused.

use std::sync::Arc;

use async_trait::async_trait;

use super::errors::zoom_diag;
use super::lockout;
use super::shared::{
    account_attribute, account_in, account_of, default_account, is_plausible_email, plan_account,
    qualified, split_qualified, system_role_name, validate_account, ACCOUNT_ID,
};
use super::ProviderData;
use crate::tfplugin::{
    Attribute, Block, Diagnostic, Diagnostics, IdentitySchema, Plan, Resource, Schema, Type, Value,
};
use crate::zoom::{Member, MemberRef};

pub struct RoleMembersResource {
    pub(super) data: Arc<ProviderData>,
}

#[async_trait]
impl Resource for RoleMembersResource {
    fn type_name(&self) -> &'static str {
        "zoom_role_members"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(
                "The complete member list of one Zoom role. Everyone in `members` holds the role \
                 after apply, and everyone else who holds it is removed from it (they fall back \
                 to Member), including members added in Zoom's admin pages. Use it for roles \
                 whose membership Terraform owns outright; use `zoom_role_membership` to manage \
                 single assignments. Never both on the same role: a plan that mixes them is \
                 refused. A user holds one role, so listing someone here moves them out of \
                 whatever role they held.",
                vec![
                    Attribute::string("id")
                        .computed()
                        .use_state_for_unknown()
                        .describe("The role id, or `<account_id>/<role_id>` in a sub-account. Import takes either form."),
                    account_attribute(),
                    Attribute::string("role_id")
                        .required()
                        .requires_replace()
                        .describe("The role: `1` for Admin or a custom role's id. Owner (`0`) and Member (`2`) can't take members through Zoom's API."),
                    Attribute::new("members", Type::set(Type::String))
                        .required()
                        .describe("Every member of the role, as user ids or emails (emails compare without regard to case; state keeps your spelling). An empty set removes everyone."),
                ],
            ),
        )
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = validate_account(config);
        if let Some(role_id) = config.attr("role_id").as_str() {
            if let Some(name) = system_role_name(role_id).filter(|_| role_id != "1") {
                diags.push(
                    Diagnostic::error(
                        format!("The {name} role can't take members"),
                        format!(
                            "Zoom's API can't add or remove members of the {name} role (id \
                             {role_id:?}). Manage Admin (\"1\") or custom roles."
                        ),
                    )
                    .at_attr("role_id"),
                );
            }
        }
        for m in config.attr("members").elements().unwrap_or_default() {
            let Some(s) = m.as_str() else { continue };
            let bad = s.trim().is_empty()
                || s.contains(char::is_whitespace)
                || (s.contains('@') && !is_plausible_email(s));
            if bad {
                diags.push(
                    Diagnostic::error(
                        "Malformed member",
                        format!("{s:?} is neither a Zoom user id nor an email address."),
                    )
                    .at_attr("members"),
                );
            }
        }
        diags
    }

    async fn plan(&self, plan: &mut Plan) {
        let data = &self.data;
        if plan.is_destroy() {
            // Destroying removes the members the state knows: refused if that locks the app
            // out.
            if account_in(&plan.prior).is_none() {
                let changes = prior_leaving(&plan.prior);
                let refusals = lockout::check(data, &changes).await;
                plan.diagnostics.extend(refusals);
            }
            return;
        }
        plan_account(data, plan);
        let Some(role_id) = plan.planned.attr("role_id").as_str().map(str::to_string) else {
            return;
        };
        if plan.planned.attr(ACCOUNT_ID).is_unknown() {
            plan.planned.set_attr("id", Value::Unknown);
            return;
        }
        let account = account_in(&plan.planned).map(str::to_string);
        let key = qualified(account.as_deref(), &role_id);
        plan.planned.set_attr("id", key.as_str());
        if let Some(conflict) = data.claims.claim_role_mode(&key, true) {
            plan.diagnostics.push(conflict.at_attr("role_id"));
        }
        let same_role = plan.prior.attr("role_id").as_str() == Some(role_id.as_str())
            && plan.requires_replace.is_empty();
        if plan.is_update() && same_role {
            keep_prior_spelling(data, plan, &role_id).await;
        }
        let changed = plan.is_create()
            || !same_role
            || plan.planned.attr("members") != plan.prior.attr("members");
        if changed && !plan.diagnostics.has_errors() {
            let mut changes = if plan.is_update() && !same_role {
                prior_leaving(&plan.prior) // replaced: the old role's members are removed
            } else {
                Vec::new()
            };
            changes.extend(member_changes(data, plan, &role_id).await);
            // The lock-out rail guards the app's own account (see lockout).
            if account.is_none() && account_in(&plan.prior).is_none() {
                let refusals = lockout::check(data, &changes).await;
                plan.diagnostics.extend(refusals);
            }
        }
    }

    async fn create(
        &self,
        _config: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        converge(&self.data, planned, diags).await
    }

    async fn read(&self, state: &Value, diags: &mut Diagnostics) -> Option<Value> {
        let data = &self.data;
        let ready = data.ready().map_err(|d| diags.push(d)).ok()?;
        let role_id = state.attr("role_id").as_str()?.to_string();
        let current = match account_of(&ready, state).role_members(&role_id).await {
            Ok(Some(m)) => m.members().to_vec(),
            Ok(None) => return None,
            Err(e) => {
                diags.push(zoom_diag(&e, None));
                return Some(state.clone());
            }
        };
        let known = state.attr("members").as_strings().unwrap_or_default();
        Some(Value::object([
            ("id", Value::from(qualified(account_in(state), &role_id))),
            (ACCOUNT_ID, state.attr(ACCOUNT_ID).clone()),
            ("role_id", Value::from(role_id.as_str())),
            (
                "members",
                Value::string_set(members_as_written(&known, &current)),
            ),
        ]))
    }

    async fn update(
        &self,
        _prior: &Value,
        _config: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        converge(&self.data, planned, diags).await
    }

    async fn delete(&self, prior: &Value, diags: &mut Diagnostics) {
        let data = &self.data;
        let Ok(ready) = data.ready().map_err(|d| diags.push(d)) else {
            return;
        };
        // Again at apply: Terraform before 1.3 never shows a provider its destroy plans.
        if account_in(prior).is_none() {
            let refusals = lockout::check(data, &prior_leaving(prior)).await;
            let refused = refusals.has_errors();
            diags.extend(refusals);
            if refused {
                return;
            }
        }
        let account = account_of(&ready, prior);
        let Some(role_id) = prior.attr("role_id").as_str() else {
            return;
        };
        let known = prior.attr("members").as_strings().unwrap_or_default();
        let current = match account.role_members(role_id).await {
            Ok(Some(m)) => m.members().to_vec(),
            Ok(None) => return,
            Err(e) => {
                diags.push(zoom_diag(&e, None));
                return;
            }
        };
        // Only the members this resource put there: someone assigned since then is drift the
        // resource never owned.
        for m in current
            .iter()
            .filter(|m| known.iter().any(|k| matches(m, k)))
        {
            if let Err(e) = account.unassign(role_id, &m.id).await {
                diags.push(zoom_diag(&e, None));
                return;
            }
        }
    }

    async fn import(&self, id: &str, diags: &mut Diagnostics) -> Option<Value> {
        let state = import_state(id, default_account(&self.data).as_deref(), diags)?;
        let role_id = state
            .attr("role_id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Ok(ready) = self.data.ready() {
            let account = account_of(&ready, &state);
            super::import_check::role_exists(&account, "zoom_role_members", &role_id)
                .await
                .map_err(|d| diags.push(d))
                .ok()?;
        }
        Some(state)
    }

    /// What a person writes for an existing member list: the role and its members as the
    /// state spells them, which after an import is by email (by id for a member Zoom gives no
    /// email).
    fn generate_config(&self, state: &Value) -> Value {
        Value::object([
            ("id", Value::Null),
            (ACCOUNT_ID, state.attr(ACCOUNT_ID).clone()),
            ("role_id", state.attr("role_id").clone()),
            ("members", state.attr("members").clone()),
        ])
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(
            IdentitySchema::new(&[("role_id", "The role's Zoom id: one role, one member list.")])
                .optional(
                    ACCOUNT_ID,
                    "The sub-account; unset in the app's own account.",
                ),
        )
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        let role = identity.attr("role_id").as_str()?;
        Some(qualified(account_in(identity), role))
    }
}

// ---- plan ------------------------------------------------------------------------------

/// The state's members leaving the state's role (destroy, or the old role on replacement).
fn prior_leaving(prior: &Value) -> Vec<lockout::Change> {
    let Some(role_id) = prior.attr("role_id").as_str() else {
        return Vec::new();
    };
    prior
        .attr("members")
        .as_strings()
        .unwrap_or_default()
        .iter()
        .map(|m| lockout::Change {
            who: lockout::Who::entry(m),
            moves: lockout::Move::OutOf(role_id.to_string()),
            attr: None,
        })
        .collect()
}

/// Who this plan adds to `role_id` and who it removes, against the role's member list now.
/// Nothing while the configured members are unknown.
async fn member_changes(data: &ProviderData, plan: &Plan, role_id: &str) -> Vec<lockout::Change> {
    let Some(wanted) = plan.planned.attr("members").as_strings() else {
        return Vec::new();
    };
    let Ok(ready) = data.ready() else {
        return Vec::new();
    };
    let current = match account_of(&ready, &plan.planned)
        .role_members(role_id)
        .await
    {
        Ok(Some(m)) => m.members().to_vec(),
        _ => Vec::new(), // a new or unreadable role: only additions
    };
    let change = |who, moves| lockout::Change {
        who,
        moves,
        attr: Some("members"),
    };
    let removed = current
        .iter()
        .filter(|m| !wanted.iter().any(|w| matches(m, w)))
        .map(|m| {
            change(
                lockout::Who::new(Some(&m.id), Some(&m.email)),
                lockout::Move::OutOf(role_id.to_string()),
            )
        });
    let added = wanted
        .iter()
        .filter(|w| !current.iter().any(|m| matches(m, w)))
        .map(|w| {
            change(
                lockout::Who::entry(w),
                lockout::Move::Into(role_id.to_string()),
            )
        });
    removed.chain(added).collect()
}

/// When the configuration names the same people as the state, only spelled differently
/// (ids where the state has emails, emails in another case, some of each), plans no
/// change: `members` keeps the state's spelling. This is what makes an import plan empty
/// however the configuration spells its members. Who is who comes from the role's member
/// list, which the refresh has already read.
async fn keep_prior_spelling(data: &ProviderData, plan: &mut Plan, role_id: &str) {
    let prior = plan.prior.attr("members");
    if plan.planned.attr("members") == prior {
        return;
    }
    let (Some(wanted), Some(held)) = (plan.config.attr("members").as_strings(), prior.as_strings())
    else {
        return; // unknown until apply: a real plan
    };
    let Ok(ready) = data.ready() else { return };
    let Ok(Some(current)) = account_of(&ready, &plan.planned)
        .role_members(role_id)
        .await
    else {
        return; // the refresh reports Zoom's problems; plan what the configuration says
    };
    if same_people(current.members(), &wanted, &held) {
        let prior = prior.clone();
        plan.planned.set_attr("members", prior);
    }
}

/// Whether two member lists name the same members of the role, each entry an id or an
/// email (any case). An entry that names nobody in the role is a change, never a spelling.
fn same_people(current: &[Member], a: &[String], b: &[String]) -> bool {
    let who = |entries: &[String]| -> Option<std::collections::BTreeSet<usize>> {
        entries
            .iter()
            .map(|e| current.iter().position(|m| matches(m, e)))
            .collect()
    };
    match (who(a), who(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

// ---- create / update -------------------------------------------------------------------

/// Makes the role's members exactly `planned.members`: assigns the missing ones (30 per
/// call), then removes the extra ones.
async fn converge(data: &ProviderData, planned: &Value, diags: &mut Diagnostics) -> Option<Value> {
    let ready = data.ready().map_err(|d| diags.push(d)).ok()?;
    let account = account_of(&ready, planned);
    let role_id = planned.attr("role_id").as_str()?.to_string();
    let wanted = planned.attr("members").as_strings().unwrap_or_default();
    let current = match account.role_members(&role_id).await {
        Ok(Some(m)) => m.members().to_vec(),
        Ok(None) => {
            diags.push(
                Diagnostic::error(
                    "Role not found",
                    format!("Zoom has no role with id {role_id:?}."),
                )
                .at_attr("role_id"),
            );
            return None;
        }
        Err(e) => {
            diags.push(zoom_diag(&e, Some("role_id")));
            return None;
        }
    };
    let missing: Vec<MemberRef> = wanted
        .iter()
        .filter(|w| !current.iter().any(|m| matches(m, w)))
        .map(|w| member_ref(w))
        .collect();
    if !missing.is_empty() {
        // Assigning someone who already holds the role is harmless, so a retry is safe.
        if let Err(e) = account.assign_all(&role_id, &missing).await {
            let attr = if e.is_user_not_found() {
                "members"
            } else {
                "role_id"
            };
            diags.push(zoom_diag(&e, Some(attr)));
            return None;
        }
    }
    let extra: Vec<&Member> = current
        .iter()
        .filter(|m| !wanted.iter().any(|w| matches(m, w)))
        .collect();
    for m in extra {
        if let Err(e) = account.unassign(&role_id, &m.id).await {
            diags.push(zoom_diag(&e, Some("members")));
            return None;
        }
    }
    let mut state = planned.clone();
    state.set_attr("id", qualified(account_in(planned), &role_id));
    Some(state)
}

fn matches(member: &Member, entry: &str) -> bool {
    (!member.id.is_empty() && member.id == entry)
        || (!member.email.is_empty() && member.email.eq_ignore_ascii_case(entry))
}

fn member_ref(entry: &str) -> MemberRef {
    if entry.contains('@') {
        MemberRef::Email(entry.to_string())
    } else {
        MemberRef::Id(entry.to_string())
    }
}

// ---- read ------------------------------------------------------------------------------

/// The role's members, each spelled as the state spelled it (id or email, its case), and
/// members the state didn't know by email (or id when Zoom gives no email).
fn members_as_written(known: &[String], current: &[Member]) -> Vec<String> {
    current
        .iter()
        .map(|m| {
            known
                .iter()
                .find(|k| matches(m, k))
                .cloned()
                .unwrap_or_else(|| {
                    if m.email.is_empty() {
                        m.id.clone()
                    } else {
                        m.email.clone()
                    }
                })
        })
        .collect()
}

// ---- import ----------------------------------------------------------------------------

/// The state an import starts from: `<role_id>` (in `default_account`, the provider's
/// `sub_account_id`, when set) or `<account_id>/<role_id>`.
fn import_state(id: &str, default_account: Option<&str>, diags: &mut Diagnostics) -> Option<Value> {
    let id = id.trim();
    let parsed = split_qualified(id, 1).filter(|_| !id.contains(char::is_whitespace));
    let Some((account, parts)) = parsed else {
        diags.push(Diagnostic::error(
            "Invalid import ID",
            format!("{id:?} is not a role id. Import a role's member set by the role id, e.g. `terraform import zoom_role_members.admins 1`, or in a sub-account as <account_id>/<role_id>."),
        ));
        return None;
    };
    let account = account.or_else(|| default_account.map(str::to_string));
    let role_id = parts[0].as_str();
    Some(Value::object([
        ("id", Value::from(qualified(account.as_deref(), role_id))),
        (ACCOUNT_ID, account.map_or(Value::Null, Value::from)),
        ("role_id", Value::from(role_id)),
        ("members", Value::Set(Vec::new())),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validate(config: &Value) -> Diagnostics {
        RoleMembersResource {
            data: Default::default(),
        }
        .validate(config)
    }

    fn generate_config(state: &Value) -> Value {
        RoleMembersResource {
            data: Default::default(),
        }
        .generate_config(state)
    }

    fn member(id: &str, email: &str) -> Member {
        Member {
            id: id.into(),
            email: email.into(),
            ..Default::default()
        }
    }

    #[test]
    fn state_keeps_the_configured_spelling_and_names_strangers_by_email() {
        let known = vec!["Paul@Example.com".to_string(), "u2".to_string()];
        let current = vec![
            member("u1", "paul@example.com"),
            member("u2", "ann@example.com"),
            member("u3", "eve@example.com"),
        ];
        let mut got = members_as_written(&known, &current);
        got.sort();
        assert_eq!(got, vec!["Paul@Example.com", "eve@example.com", "u2"]);
    }

    #[test]
    fn validate_refuses_owner_member_and_malformed_entries() {
        let cfg = |role: &str, members: &[&str]| {
            Value::object([
                ("id", Value::Null),
                ("role_id", Value::from(role)),
                ("members", Value::string_set(members.iter().copied())),
            ])
        };
        assert!(validate(&cfg("1", &["u1", "a@b.co"])).is_empty());
        assert!(validate(&cfg("0", &[])).has_errors());
        assert!(validate(&cfg("2", &[])).has_errors());
        assert!(validate(&cfg("r1", &["a b"])).has_errors());
        assert!(validate(&cfg("r1", &["a@b"])).has_errors());
    }

    #[test]
    fn same_people_whatever_the_spelling() {
        let current = vec![
            member("u1", "paul@example.com"),
            member("u2", "ann@example.com"),
        ];
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let emails = s(&["paul@example.com", "ann@example.com"]);
        assert!(same_people(&current, &s(&["u1", "u2"]), &emails));
        assert!(same_people(
            &current,
            &s(&["PAUL@Example.com", "u2"]),
            &emails
        ));
        assert!(same_people(
            &current,
            &s(&["u1", "paul@example.com", "u2"]),
            &emails
        ));
        assert!(!same_people(&current, &s(&["u1"]), &emails), "one fewer");
        assert!(
            !same_people(&current, &s(&["u1", "u2", "u3"]), &emails),
            "someone not in the role is an addition"
        );
        assert!(!same_people(
            &current,
            &s(&["u1", "u2"]),
            &s(&["u1", "gone@example.com"])
        ));
    }

    #[test]
    fn generated_config_is_the_role_and_its_members() {
        let state = Value::object([
            ("id", Value::from("r1")),
            ("role_id", Value::from("r1")),
            ("members", Value::string_set(["paul@example.com"])),
        ]);
        let c = generate_config(&state);
        assert!(c.attr("id").is_null());
        assert_eq!(c.attr("role_id").as_str(), Some("r1"));
        assert_eq!(c.attr("members"), state.attr("members"));
    }

    #[test]
    fn entries_match_ids_or_emails() {
        let m = member("u1", "Paul@Example.com");
        assert!(matches(&m, "u1"));
        assert!(matches(&m, "paul@example.com"));
        assert!(!matches(&m, "u2"));
        assert_eq!(member_ref("a@b.co"), MemberRef::Email("a@b.co".into()));
        assert_eq!(member_ref("u1"), MemberRef::Id("u1".into()));
    }
}
