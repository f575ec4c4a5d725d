//! Counters the client keeps for benchmarks and logs: HTTP requests per operation,
//! retries, 429 answers, token fetches. Relaxed atomics shared by every clone; read with
//! `ZoomClient::stats()`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use super::limiter::Category;

/// The client's operations, each in one Zoom rate-limit category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// `GET /roles`
    ListRoles,
    /// `POST /roles`
    CreateRole,
    /// `GET /roles/{id}`
    GetRole,
    /// `PATCH /roles/{id}`
    UpdateRole,
    /// `DELETE /roles/{id}`
    DeleteRole,
    /// `GET /roles/{id}/members`
    ListMembers,
    /// `POST /roles/{id}/members`
    AssignMembers,
    /// `DELETE /roles/{id}/members/{memberId}`
    UnassignMember,
    /// `GET /users/{idOrEmail}`
    GetUser,
    /// `GET /users?status=active` (paginated)
    ListUsers,
    /// `GET /accounts` (paginated): the sub-accounts of the app's account
    ListSubAccounts,
}

impl Operation {
    /// Every operation, in declaration order.
    pub const ALL: [Operation; 11] = [
        Operation::ListRoles,
        Operation::CreateRole,
        Operation::GetRole,
        Operation::UpdateRole,
        Operation::DeleteRole,
        Operation::ListMembers,
        Operation::AssignMembers,
        Operation::UnassignMember,
        Operation::GetUser,
        Operation::ListUsers,
        Operation::ListSubAccounts,
    ];

    /// Zoom's rate-limit category of the operation (from the endpoint table,
    /// [`super::ENDPOINTS`]).
    pub fn category(self) -> Category {
        super::endpoints::endpoint(self).category
    }

    /// Zoom's operationId-like name, for logs.
    pub fn name(self) -> &'static str {
        match self {
            Operation::ListRoles => "list_roles",
            Operation::CreateRole => "create_role",
            Operation::GetRole => "get_role",
            Operation::UpdateRole => "update_role",
            Operation::DeleteRole => "delete_role",
            Operation::ListMembers => "list_members",
            Operation::AssignMembers => "assign_members",
            Operation::UnassignMember => "unassign_member",
            Operation::GetUser => "get_user",
            Operation::ListUsers => "list_users",
            Operation::ListSubAccounts => "list_sub_accounts",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A snapshot of the client's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// HTTP attempts sent to the REST API, per operation (retries included).
    pub requests: BTreeMap<Operation, u64>,
    /// Sum of `requests`.
    pub total_requests: u64,
    /// Attempts that were retries (after a 5xx, 429, lost connection, timeout or a 124).
    pub retries: u64,
    /// HTTP 429 answers seen (REST API and token endpoint).
    pub rate_limited: u64,
    /// Requests sent to the token endpoint.
    pub token_fetches: u64,
    /// Times a request dropped its token after code 124 to renew it.
    pub token_renewals: u64,
    /// Total time requests spent waiting for the client-side rate limiter, in milliseconds.
    pub limiter_wait_ms: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: [AtomicU64; Operation::ALL.len()],
    retries: AtomicU64,
    rate_limited: AtomicU64,
    token_fetches: AtomicU64,
    token_renewals: AtomicU64,
    limiter_wait_us: AtomicU64,
}

impl Counters {
    pub(crate) fn request(&self, op: Operation) {
        self.requests[op.index()].fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn token_fetch(&self) {
        self.token_fetches.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn token_renewal(&self) {
        self.token_renewals.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn limiter_wait(&self, d: std::time::Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.limiter_wait_us.fetch_add(us, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> ClientStats {
        let mut requests = BTreeMap::new();
        let mut total = 0;
        for op in Operation::ALL {
            let n = self.requests[op.index()].load(Ordering::Relaxed);
            total += n;
            requests.insert(op, n);
        }
        ClientStats {
            requests,
            total_requests: total,
            retries: self.retries.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            token_fetches: self.token_fetches.load(Ordering::Relaxed),
            token_renewals: self.token_renewals.load(Ordering::Relaxed),
            limiter_wait_ms: self.limiter_wait_us.load(Ordering::Relaxed) / 1000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_operation() {
        let c = Counters::default();
        c.request(Operation::GetUser);
        c.request(Operation::GetUser);
        c.request(Operation::ListRoles);
        c.retry();
        c.rate_limited();
        c.token_fetch();
        let s = c.snapshot();
        assert_eq!(s.requests[&Operation::GetUser], 2);
        assert_eq!(s.requests[&Operation::ListRoles], 1);
        assert_eq!(s.requests[&Operation::CreateRole], 0);
        assert_eq!(s.total_requests, 3);
        assert_eq!((s.retries, s.rate_limited, s.token_fetches), (1, 1, 1));
        for (i, op) in Operation::ALL.iter().enumerate() {
            assert_eq!(op.index(), i);
        }
    }

    #[test]
    fn categories_follow_zoom_reference() {
        assert_eq!(Operation::ListRoles.category(), Category::Medium);
        assert_eq!(Operation::ListMembers.category(), Category::Medium);
        assert_eq!(Operation::AssignMembers.category(), Category::Medium);
        assert_eq!(Operation::CreateRole.category(), Category::Light);
        assert_eq!(Operation::GetUser.category(), Category::Light);
        assert_eq!(Operation::ListUsers.category(), Category::Medium);
        assert_eq!(Operation::UnassignMember.category(), Category::Light);
    }
}
