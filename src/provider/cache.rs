//! What one provider process remembers of Zoom so that a plan of N memberships costs one
//! member traversal per role, not N: each role's member list is fetched once (single-flight:
//! concurrent refreshes wait for the same traversal), then kept coherent with this
//! process's own assigns and unassigns. The account's role list is cached the same way for
//! plan-time checks. Users are looked up one by one until a plan needs many of them; then
//! the account's user list is read once (300 per page) and answers the rest. The
//! plan-time claims are not here: they are `claims`, which asks Zoom nothing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Mutex as AsyncMutex;

use crate::zoom::{Error, Member, Role, User, ZoomClient};

/// Lookups answered one by one before the whole user list is read instead. A page of the
/// list holds 300 users, so a plan of hundreds of new memberships costs a few pages
/// instead of hundreds of calls; a plan of a handful never lists at all.
const DIRECTORY_AFTER_LOOKUPS: usize = 20;

/// One role's members, as last seen plus our own writes since, in Zoom's listing order and
/// indexed by id and lower-cased email: a plan reads it once per membership.
#[derive(Clone, Debug, Default)]
pub struct RoleMembers {
    members: Vec<Member>,
    by_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
}

impl RoleMembers {
    pub fn new(members: Vec<Member>) -> RoleMembers {
        let mut rm = RoleMembers {
            members,
            ..Default::default()
        };
        rm.reindex();
        rm
    }

    fn reindex(&mut self) {
        self.by_id.clear();
        self.by_email.clear();
        for (i, m) in self.members.iter().enumerate() {
            if !m.id.is_empty() {
                self.by_id.entry(m.id.clone()).or_insert(i);
            }
            if !m.email.is_empty() {
                self.by_email.entry(m.email.to_lowercase()).or_insert(i);
            }
        }
    }

    /// The members, in Zoom's listing order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The member whose id is `user_id`, or whose email matches `email` (any case).
    pub fn find(&self, user_id: Option<&str>, email: Option<&str>) -> Option<&Member> {
        let by_id = user_id
            .filter(|id| !id.is_empty())
            .and_then(|id| self.by_id.get(id));
        let i = by_id.or_else(|| {
            email
                .filter(|e| !e.is_empty())
                .and_then(|e| self.by_email.get(&e.to_lowercase()))
        })?;
        self.members.get(*i)
    }

    /// Removes the member with id `user_id`; false if there was none.
    fn remove(&mut self, user_id: &str) -> bool {
        if !self.by_id.contains_key(user_id) {
            return false;
        }
        self.members.retain(|m| m.id != user_id);
        self.reindex();
        true
    }

    fn push(&mut self, member: Member) {
        self.remove(&member.id);
        let i = self.members.len();
        if !member.id.is_empty() {
            self.by_id.insert(member.id.clone(), i);
        }
        if !member.email.is_empty() {
            self.by_email
                .entry(member.email.to_lowercase())
                .or_insert(i);
        }
        self.members.push(member);
    }
}

/// `None` inside the mutex: not fetched yet. `Some(None)`: the role does not exist.
type Slot = Arc<AsyncMutex<Option<Option<Arc<RoleMembers>>>>>;

/// Per-process caches in front of the Zoom client; `Account` is the only user, and keeps
/// them coherent with its own writes.
#[derive(Default)]
pub struct ZoomCache {
    members: Mutex<HashMap<String, Slot>>,
    roles: AsyncMutex<Option<Arc<Vec<Role>>>>,
    lookups: AtomicUsize,
    /// `None`: not read yet; `Some(None)`: reading failed, keep looking users up one by one.
    directory: AsyncMutex<Option<Option<Arc<Directory>>>>,
    /// The user the app acts as (`GET /users/me`), asked once per process; a failure is
    /// kept as its message.
    me: AsyncMutex<Option<Result<Arc<User>, String>>>,
    /// Custom roles' privileges (`None`: Zoom would not say), read once each.
    privileges: AsyncMutex<HashMap<String, Option<Vec<String>>>>,
}

/// The account's active users by id and by lower-cased email.
#[derive(Default)]
struct Directory {
    by_id: HashMap<String, User>,
    by_email: HashMap<String, User>,
}

impl Directory {
    fn new(users: Vec<User>) -> Directory {
        let mut d = Directory::default();
        for u in users {
            d.by_email.insert(u.email.to_lowercase(), u.clone());
            d.by_id.insert(u.id.clone(), u);
        }
        d
    }

    fn get(&self, who: &str) -> Option<&User> {
        self.by_id
            .get(who)
            .or_else(|| self.by_email.get(&who.to_lowercase()))
    }
}

impl ZoomCache {
    fn slot(&self, role_id: &str) -> Slot {
        let mut map = self.members.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(role_id.to_string()).or_default().clone()
    }

    /// The role's members (`None` if the role does not exist), traversing at most once per
    /// process however many callers ask at the same time.
    pub async fn role_members(
        &self,
        client: &ZoomClient,
        role_id: &str,
    ) -> Result<Option<Arc<RoleMembers>>, Error> {
        let slot = self.slot(role_id);
        let mut guard = slot.lock().await;
        if let Some(cached) = guard.as_ref() {
            return Ok(cached.clone());
        }
        let fetched = match client.list_members(role_id).await {
            Ok(members) => Some(Arc::new(RoleMembers::new(members))),
            Err(e) if e.is_not_found() => None,
            Err(e) => return Err(e),
        };
        *guard = Some(fetched.clone());
        Ok(fetched)
    }

    /// Records that `member` now holds `role_id` (and, a user holding one role, no other
    /// cached role).
    pub async fn assigned(&self, role_id: &str, member: Member) {
        let slots: Vec<(String, Slot)> = {
            let map = self.members.lock().unwrap_or_else(|e| e.into_inner());
            map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        };
        for (rid, slot) in slots {
            let mut guard = slot.lock().await;
            if let Some(Some(rm)) = guard.as_mut() {
                if rid == role_id {
                    Arc::make_mut(rm).push(member.clone());
                } else if rm.find(Some(&member.id), None).is_some() {
                    Arc::make_mut(rm).remove(&member.id);
                }
            }
        }
    }

    /// Records that the user left `role_id` (and fell back to Member, which we don't list).
    pub async fn unassigned(&self, role_id: &str, user_id: &str) {
        let slot = self.slot(role_id);
        let mut guard = slot.lock().await;
        if let Some(Some(rm)) = guard.as_mut() {
            if rm.find(Some(user_id), None).is_some() {
                Arc::make_mut(rm).remove(user_id);
            }
        }
    }

    /// Records an assign call made outside the batcher (zoom_role_members): the users Zoom
    /// says it assigned leave every other cached role (a user holds one role), and the
    /// role itself is listed afresh. If Zoom named no one, every cached list is dropped.
    pub async fn assigned_many(&self, role_id: &str, user_ids: &[String]) {
        let slots: Vec<(String, Slot)> = {
            let mut map = self.members.lock().unwrap_or_else(|e| e.into_inner());
            if user_ids.is_empty() {
                map.clear();
                return;
            }
            map.remove(role_id);
            map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        };
        for (_, slot) in slots {
            let mut guard = slot.lock().await;
            if let Some(Some(rm)) = guard.as_mut() {
                for id in user_ids {
                    if rm.find(Some(id), None).is_some() {
                        Arc::make_mut(rm).remove(id);
                    }
                }
            }
        }
    }

    /// Forgets a role's members (after a role is deleted or re-created).
    pub fn forget_role(&self, role_id: &str) {
        let mut map = self.members.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(role_id);
    }

    /// The user with id or email `who`. Answered by `GET /users/{who}` for the first few
    /// lookups, then from the account's user list, read once; a user missing from the list
    /// (just invited, or not active) is still looked up on its own.
    pub async fn user(&self, client: &ZoomClient, who: &str) -> Result<User, Error> {
        if self.lookups.fetch_add(1, Ordering::Relaxed) >= DIRECTORY_AFTER_LOOKUPS {
            if let Some(dir) = self.directory(client).await {
                if let Some(u) = dir.get(who) {
                    return Ok(u.clone());
                }
            }
        }
        client.get_user(who).await
    }

    async fn directory(&self, client: &ZoomClient) -> Option<Arc<Directory>> {
        let mut guard = self.directory.lock().await;
        if let Some(dir) = guard.as_ref() {
            return dir.clone();
        }
        let dir = match client.list_users().await {
            Ok(users) => Some(Arc::new(Directory::new(users))),
            Err(e) => {
                tracing::warn!(error = %e, "could not list users; looking them up one by one");
                None
            }
        };
        *guard = Some(dir.clone());
        dir
    }

    /// The account's roles, listed once per process and shared (a plan asks once per
    /// membership).
    pub async fn roles(&self, client: &ZoomClient) -> Result<Arc<Vec<Role>>, Error> {
        let mut guard = self.roles.lock().await;
        if let Some(roles) = guard.as_ref() {
            return Ok(roles.clone());
        }
        let roles = Arc::new(client.list_roles(None).await?);
        *guard = Some(roles.clone());
        Ok(roles)
    }

    /// Records a role created or renamed by this process in the cached list.
    pub async fn role_changed(&self, role: Role) {
        let mut guard = self.roles.lock().await;
        if let Some(roles) = guard.as_mut() {
            let roles = Arc::make_mut(roles);
            roles.retain(|r| r.id != role.id);
            roles.push(role);
        }
    }

    /// Removes a deleted role from the cached list.
    pub async fn role_deleted(&self, role_id: &str) {
        let mut guard = self.roles.lock().await;
        if let Some(roles) = guard.as_mut() {
            Arc::make_mut(roles).retain(|r| r.id != role_id);
        }
        drop(guard);
        self.forget_role(role_id);
    }

    /// The user the app acts as, from `GET /users/me`: asked once per process, success or
    /// failure (the message of the failure is what later callers get).
    pub async fn me(&self, client: &ZoomClient) -> Result<Arc<User>, String> {
        let mut guard = self.me.lock().await;
        if let Some(me) = guard.as_ref() {
            return me.clone();
        }
        let me = client
            .get_me()
            .await
            .map(Arc::new)
            .map_err(|e| super::errors::explain(&e));
        *guard = Some(me.clone());
        me
    }

    /// A role's privileges (`None` when Zoom would not give them), read once per role.
    pub async fn privileges(&self, client: &ZoomClient, role_id: &str) -> Option<Vec<String>> {
        let mut guard = self.privileges.lock().await;
        if let Some(p) = guard.get(role_id) {
            return p.clone();
        }
        let p = client
            .get_role(role_id)
            .await
            .ok()
            .and_then(|r| r.privileges);
        guard.insert(role_id.to_string(), p.clone());
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, email: &str) -> Member {
        Member {
            id: id.into(),
            email: email.into(),
            ..Default::default()
        }
    }

    #[test]
    fn find_matches_id_or_email_in_any_case() {
        let rm = RoleMembers::new(vec![member("u1", "Paul@Example.com")]);
        assert!(rm.find(Some("u1"), None).is_some());
        assert!(rm.find(None, Some("paul@example.COM")).is_some());
        assert!(rm.find(Some("u2"), Some("other@example.com")).is_none());
        assert!(rm.find(Some(""), None).is_none());
    }

    #[test]
    fn our_writes_keep_the_index_right() {
        let mut rm = RoleMembers::new(vec![member("u1", "a@x.com"), member("u2", "b@x.com")]);
        rm.push(member("u3", "C@x.com"));
        assert_eq!(
            rm.find(None, Some("c@X.com")).map(|m| m.id.as_str()),
            Some("u3")
        );
        assert!(rm.remove("u1"));
        assert!(!rm.remove("u1"), "already gone");
        assert!(rm.find(Some("u1"), Some("a@x.com")).is_none());
        assert_eq!(
            rm.find(Some("u2"), None).map(|m| m.email.as_str()),
            Some("b@x.com")
        );
        assert_eq!(
            rm.find(Some("u3"), None).map(|m| m.email.as_str()),
            Some("C@x.com")
        );
        rm.push(member("u2", "b2@x.com"));
        let ids: Vec<&str> = rm.members().iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["u3", "u2"], "a re-push moves the member, once");
        assert_eq!(
            rm.find(None, Some("b2@x.com")).map(|m| m.id.as_str()),
            Some("u2")
        );
    }

    fn cached(c: &ZoomCache, role_id: &str, members: Vec<Member>) {
        let slot: Slot = Arc::new(AsyncMutex::new(Some(Some(Arc::new(RoleMembers::new(
            members,
        ))))));
        c.members.lock().unwrap().insert(role_id.into(), slot);
    }

    async fn cached_ids(c: &ZoomCache, role_id: &str) -> Option<Vec<String>> {
        let slot = c.members.lock().unwrap().get(role_id)?.clone();
        let guard = slot.lock().await;
        let rm = guard.as_ref()?.as_ref()?;
        Some(rm.members().iter().map(|m| m.id.clone()).collect())
    }

    #[tokio::test]
    async fn users_assigned_elsewhere_leave_their_cached_roles() {
        let c = ZoomCache::default();
        cached(&c, "r1", vec![member("u1", "a@x.com")]);
        cached(
            &c,
            "r2",
            vec![member("u2", "b@x.com"), member("u3", "c@x.com")],
        );
        c.assigned_many("r1", &["u2".to_string()]).await;
        assert_eq!(cached_ids(&c, "r1").await, None, "listed afresh");
        assert_eq!(cached_ids(&c, "r2").await, Some(vec!["u3".to_string()]));
        c.assigned_many("r1", &[]).await;
        assert_eq!(cached_ids(&c, "r2").await, None, "nobody named: drop all");
    }

    #[test]
    fn directory_finds_by_id_or_email_in_any_case() {
        let d = Directory::new(vec![User {
            id: "u1".into(),
            email: "Paul@Example.com".into(),
            ..Default::default()
        }]);
        assert_eq!(
            d.get("u1").map(|u| u.email.as_str()),
            Some("Paul@Example.com")
        );
        assert_eq!(d.get("paul@example.com").map(|u| u.id.as_str()), Some("u1"));
        assert!(d.get("u2").is_none());
    }
}
