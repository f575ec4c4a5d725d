//! One Zoom account as resources see it: the client, the assign batcher and what this
//! process has learned of the account (`cache`), made together when the provider is
//! configured. Resources reach Zoom only through it. Reads that can be shared go through
//! the cache; every write records its effect in the cache itself, so no caller has to
//! remember to, and each of Zoom's rules about writes (a member already gone counts as
//! unassigned) lives here once.
//!
//! One `Account` serves one Zoom account: the provider holds one for the app's own account
//! and one per sub-account it manages (see `Ready::account_for`), each with its own cache
//! and batcher.

use std::sync::Arc;

use super::cache::{RoleMembers, ZoomCache};
use crate::zoom::{
    AssignBatcher, AssignResult, CreateRole, Error, ErrorKind, Member, MemberRef, Role, UpdateRole,
    User, ZoomClient,
};

pub struct Account {
    client: ZoomClient,
    /// Coalesces concurrent assignments into one call per role (up to 30 members).
    batcher: AssignBatcher,
    cache: ZoomCache,
}

impl Account {
    pub fn new(client: ZoomClient) -> Account {
        Account {
            batcher: AssignBatcher::new(client.clone()),
            client,
            cache: ZoomCache::default(),
        }
    }

    /// The client this account's calls go through.
    pub fn client(&self) -> &ZoomClient {
        &self.client
    }

    /// The sub-account this handle manages (`None`: the app's own account).
    pub fn sub_account(&self) -> Option<&str> {
        self.client.account()
    }

    // ---- roles ---------------------------------------------------------------------------

    /// The account's roles, listed once per process (see `ZoomCache::roles`).
    pub async fn roles(&self) -> Result<Arc<Vec<Role>>, Error> {
        self.cache.roles(&self.client).await
    }

    /// The roles of one type, listed afresh (the cached list holds `common` roles and
    /// keeps only names coherent).
    pub async fn list_roles(&self, role_type: Option<&str>) -> Result<Vec<Role>, Error> {
        self.client.list_roles(role_type).await
    }

    /// One role with its privileges, read afresh.
    pub async fn get_role(&self, role_id: &str) -> Result<Role, Error> {
        self.client.get_role(role_id).await
    }

    /// A role's privileges (`None` when Zoom would not give them), read once per role.
    pub async fn privileges(&self, role_id: &str) -> Option<Vec<String>> {
        self.cache.privileges(&self.client, role_id).await
    }

    /// Creates a role and adds it to the cached list.
    pub async fn create_role(&self, req: &CreateRole) -> Result<Role, Error> {
        let role = self.client.create_role(req).await?;
        self.cache.role_changed(role.clone()).await;
        Ok(role)
    }

    /// Updates a role (no call when `req` changes nothing) and records `name` as its name
    /// in the cached list.
    pub async fn update_role(
        &self,
        role_id: &str,
        req: &UpdateRole,
        name: Option<&str>,
    ) -> Result<(), Error> {
        if *req != UpdateRole::default() {
            self.client.update_role(role_id, req).await?;
        }
        if let Some(name) = name {
            self.cache
                .role_changed(Role {
                    id: role_id.to_string(),
                    name: name.to_string(),
                    ..Default::default()
                })
                .await;
        }
        Ok(())
    }

    /// Deletes a role; one already gone counts as deleted. Either way the role leaves the
    /// cache.
    pub async fn delete_role(&self, role_id: &str) -> Result<(), Error> {
        match self.client.delete_role(role_id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
        self.cache.role_deleted(role_id).await;
        Ok(())
    }

    // ---- members -------------------------------------------------------------------------

    /// The role's members (`None` if the role does not exist), listed once per process
    /// and kept coherent with this process's own writes.
    pub async fn role_members(&self, role_id: &str) -> Result<Option<Arc<RoleMembers>>, Error> {
        self.cache.role_members(&self.client, role_id).await
    }

    /// Moves one user into `role_id`, sharing the assign call with concurrent assignments
    /// to the same role (see `zoom::AssignBatcher`).
    pub async fn assign(&self, role_id: &str, user_id: &str, email: &str) -> Result<(), Error> {
        self.batcher
            .assign(role_id, MemberRef::Id(user_id.to_string()))
            .await?;
        let member = Member {
            id: user_id.to_string(),
            email: email.to_string(),
            ..Default::default()
        };
        self.cache.assigned(role_id, member).await;
        Ok(())
    }

    /// Moves several users into `role_id` in one call (at most 30).
    pub async fn assign_all(
        &self,
        role_id: &str,
        members: &[MemberRef],
    ) -> Result<AssignResult, Error> {
        let assigned = self.client.assign_members(role_id, members).await?;
        self.cache.assigned_many(role_id, &assigned.ids).await;
        Ok(assigned)
    }

    /// Takes a user out of `role_id` (they fall back to Member). A user who no longer
    /// holds the role is already unassigned, which is success: Zoom says so with "not
    /// found", or with a refusal (code 300) after which the user is found in another role
    /// or not at all. The same holds when an earlier attempt's answer was lost (the client
    /// marks the refusal [`Error::after_lost_answer`]): that attempt may have removed them.
    pub async fn unassign(&self, role_id: &str, user_id: &str) -> Result<(), Error> {
        match self.client.unassign_member(role_id, user_id).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {
                tracing::debug!(
                    role_id,
                    user_id,
                    lost_answer = e.after_lost_answer(),
                    "member already gone"
                );
            }
            Err(e) if matches!(e.kind(), ErrorKind::Validation) => {
                match self.client.get_user(user_id).await {
                    Ok(u) if u.role_id.as_deref() != Some(role_id) => {}
                    Err(e2) if e2.is_not_found() => {}
                    _ => return Err(e),
                }
                tracing::debug!(
                    role_id,
                    user_id,
                    lost_answer = e.after_lost_answer(),
                    "member already gone"
                );
            }
            Err(e) => return Err(e),
        }
        self.cache.unassigned(role_id, user_id).await;
        Ok(())
    }

    // ---- users ---------------------------------------------------------------------------

    /// The user with id or email `who`, for plans: looked up one by one at first, then
    /// from the account's user list (see `ZoomCache::user`).
    pub async fn user(&self, who: &str) -> Result<User, Error> {
        self.cache.user(&self.client, who).await
    }

    /// The user with id or email `who`, asked afresh (their role may have changed in this
    /// very apply).
    pub async fn get_user(&self, who: &str) -> Result<User, Error> {
        self.client.get_user(who).await
    }

    /// The user the app acts as (`GET /users/me`), asked once per process.
    pub async fn me(&self) -> Result<Arc<User>, String> {
        self.cache.me(&self.client).await
    }
}
