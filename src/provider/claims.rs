//! What this process's plans claim, checked across resources: one user holds one role (two
//! memberships that put one user into different roles are refused), a role is managed
//! either authoritatively (`zoom_role_members`) or by single memberships, never both, and
//! which Admins the plans take out of the Admin role (for the lock-out rail's last-Admin
//! rule). Nothing here asks Zoom.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::tfplugin::Diagnostic;

/// A membership's claim on a user during this process's plans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub role_id: String,
    /// How the configuration named the user (email or id), for messages.
    pub named_as: String,
}

/// The plan-time claims of one provider process.
#[derive(Default)]
pub struct Claims {
    users: Mutex<HashMap<String, Claim>>,
    /// Per role: planned by zoom_role_members (true) and/or zoom_role_membership (false).
    role_modes: Mutex<HashMap<String, [bool; 2]>>,
    /// Ids of the Admins this process's plans take out of the Admin role.
    leaving_admin: Mutex<HashSet<String>>,
}

impl Claims {
    /// Claims `user_key` for `claim.role_id`; returns the conflicting earlier claim if
    /// another membership already put the same user into a different role.
    pub fn claim(&self, user_key: &str, claim: Claim) -> Option<Claim> {
        let mut claims = self.users.lock().unwrap_or_else(|e| e.into_inner());
        match claims.get(user_key) {
            Some(existing) if existing.role_id != claim.role_id => Some(existing.clone()),
            Some(_) => None,
            None => {
                claims.insert(user_key.to_string(), claim);
                None
            }
        }
    }

    /// Records that a plan manages `role_id` authoritatively (zoom_role_members) or by
    /// single memberships; returns the diagnostic when both happen in one plan.
    pub fn claim_role_mode(&self, role_id: &str, authoritative: bool) -> Option<Diagnostic> {
        let mut modes = self.role_modes.lock().unwrap_or_else(|e| e.into_inner());
        let seen = modes.entry(role_id.to_string()).or_default();
        seen[usize::from(authoritative)] = true;
        (seen[0] && seen[1]).then(|| {
            Diagnostic::error(
                "Role managed two ways",
                format!(
                    "Role {role_id:?} has a zoom_role_members resource, which owns its whole \
                     member list, and zoom_role_membership resources too. zoom_role_members \
                     would remove the memberships' users and they would add them back on \
                     every apply. Use one or the other for this role."
                ),
            )
        })
    }

    /// Records that this process's plans take `user_ids` out of the Admin role; answers
    /// everyone recorded so far.
    pub fn leaving_admin(&self, user_ids: &[String]) -> HashSet<String> {
        let mut set = self.leaving_admin.lock().unwrap_or_else(|e| e.into_inner());
        set.extend(user_ids.iter().cloned());
        set.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_managed_both_ways_is_reported() {
        let c = Claims::default();
        assert!(c.claim_role_mode("r1", false).is_none());
        assert!(c.claim_role_mode("r1", false).is_none());
        assert!(c.claim_role_mode("r2", true).is_none());
        assert!(c.claim_role_mode("r1", true).is_some());
        assert!(
            c.claim_role_mode("r1", false).is_some(),
            "reported on both sides"
        );
    }

    #[test]
    fn claims_conflict_only_across_roles() {
        let c = Claims::default();
        let a = Claim {
            role_id: "1".into(),
            named_as: "paul@example.com".into(),
        };
        assert_eq!(c.claim("u1", a.clone()), None);
        assert_eq!(c.claim("u1", a.clone()), None, "same role again is fine");
        let b = Claim {
            role_id: "r2".into(),
            named_as: "u1".into(),
        };
        assert_eq!(c.claim("u1", b), Some(a));
    }
}
