//! The account the simulator serves: roles, users and the one-role-per-user membership,
//! with Zoom's rules for every roles/users operation.
//!
//! Pure data and rules: no HTTP, no locking, no randomness (new ids and page tokens are
//! passed in by the caller) and no clock reads (`now` is passed in). That keeps every rule
//! unit-testable and the route handlers thin.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::error::{ApiError, ApiResult};

/// Fixed id of the Owner system role.
pub const OWNER_ROLE: &str = "0";
/// Fixed id of the Admin system role.
pub const ADMIN_ROLE: &str = "1";
/// Fixed id of the Member system role: where users fall back to.
pub const MEMBER_ROLE: &str = "2";
/// At most this many users per assign call.
pub const MAX_ASSIGN: usize = 30;
/// `page_size` when none is given.
pub const DEFAULT_PAGE_SIZE: usize = 30;
/// Larger `page_size` values are clamped to this.
pub const MAX_PAGE_SIZE: usize = 300;
/// How long a `next_page_token` stays valid (Zoom: 15 minutes).
pub const PAGE_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);
/// Membership history kept for read-after-write lag; longer lags are clamped to this.
pub const MAX_LAG: Duration = Duration::from_secs(10 * 60);

const OWNER_MEMBER_MSG: &str = "Can't delete or add members for Normal/Owner roles.";

/// A role as stored.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub privileges: Vec<String>,
}

/// A user as stored; `role_id` is the one role the user holds.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(rename = "type")]
    pub user_type: u8,
    pub department: String,
    /// `active`, `inactive` or `pending` (pending users show an empty id in member
    /// listings).
    pub status: String,
    pub role_id: String,
}

/// A user to seed, as read from `--users-file` or `POST /_sim/users`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct UserSeed {
    pub id: String,
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// Defaults to Member ("2").
    #[serde(default)]
    pub role_id: Option<String>,
    /// Zoom user type: 1 basic (default), 2 licensed.
    #[serde(default, rename = "type")]
    pub user_type: Option<u8>,
    #[serde(default)]
    pub department: Option<String>,
    /// `active` (default), `inactive` or `pending`.
    #[serde(default)]
    pub status: Option<String>,
}

/// The user statuses Zoom knows; `GET /users` filters on one of them.
pub const USER_STATUSES: [&str; 3] = ["active", "inactive", "pending"];

impl UserSeed {
    /// The default population: `owner@example.com` as Owner plus `userN@example.com`
    /// (ids `u00001`..) as Members.
    pub fn generated(n: usize) -> Vec<UserSeed> {
        let mut seeds = vec![UserSeed {
            id: "u00000".into(),
            email: "owner@example.com".into(),
            first_name: "Account".into(),
            last_name: "Owner".into(),
            role_id: Some(OWNER_ROLE.into()),
            user_type: Some(2),
            ..UserSeed::default()
        }];
        seeds.extend((1..=n).map(|i| UserSeed {
            id: format!("u{i:05}"),
            email: format!("user{i}@example.com"),
            first_name: "User".into(),
            last_name: format!("{i}"),
            ..UserSeed::default()
        }));
        seeds
    }

    /// The population of sub-account `sub<n>`: `owner@sub<n>.example.com` (`s<n>u00000`) as
    /// Owner plus `user<i>@sub<n>.example.com` (`s<n>u0000<i>`) as Members. Ids and emails
    /// differ from the master account's, as they do at Zoom.
    pub fn for_sub_account(n: usize, users: usize) -> Vec<UserSeed> {
        UserSeed::generated(users)
            .into_iter()
            .map(|u| UserSeed {
                id: format!("s{n}{}", u.id),
                email: u
                    .email
                    .replace("@example.com", &format!("@sub{n}.example.com")),
                ..u
            })
            .collect()
    }
}

/// What to do when a role that still has members is deleted.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeleteRolePolicy {
    /// Delete it and move its members back to Member ("2").
    #[default]
    MoveToMember,
    /// Refuse with code 300.
    Reject,
}

/// Body of `POST /roles`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct NewRole {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub privileges: Option<Vec<String>>,
}

/// Body of `PATCH /roles/{roleId}` (`type` cannot be changed and is ignored).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RolePatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub privileges: Option<Vec<String>>,
}

/// One item of `POST /roles/{roleId}/members`; `id` wins when both are given.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MemberRef {
    pub id: Option<String>,
    pub email: Option<String>,
}

/// Query of `GET /roles/{roleId}/members`, kept as raw strings so bad values become
/// Zoom errors rather than extractor rejections.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MemberQuery {
    pub page_size: Option<String>,
    pub next_page_token: Option<String>,
    pub page_number: Option<String>,
}

/// One member in a listing.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MemberView {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(rename = "type")]
    pub user_type: u8,
    pub department: String,
}

/// Answer of `GET /roles/{roleId}/members`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MemberPage {
    pub page_count: usize,
    pub page_number: usize,
    pub page_size: usize,
    pub total_records: usize,
    pub next_page_token: String,
    pub members: Vec<MemberView>,
}

/// Query of `GET /users`, kept as raw strings so bad values become Zoom errors.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct UserQuery {
    /// `active` (default), `inactive` or `pending`.
    pub status: Option<String>,
    pub page_size: Option<String>,
    pub next_page_token: Option<String>,
    pub page_number: Option<String>,
}

/// One user in `GET /users` (Zoom's list-users item: `role_id` but no `role_name`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(rename = "type")]
    pub user_type: u8,
    pub status: String,
    pub role_id: String,
    pub dept: String,
}

/// Answer of `GET /users`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct UserPage {
    pub page_count: usize,
    pub page_number: usize,
    pub page_size: usize,
    pub total_records: usize,
    pub next_page_token: String,
    pub users: Vec<UserView>,
}

/// A role with its current member count.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RoleWithCount {
    #[serde(flatten)]
    pub role: Role,
    pub total_members: usize,
}

/// A role with its member ids, for `GET /_sim/state`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RoleDump {
    #[serde(flatten)]
    pub role: Role,
    pub members: Vec<String>,
}

/// Everything the directory holds, for `GET /_sim/state`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DirectoryDump {
    pub roles: Vec<RoleDump>,
    pub users: Vec<User>,
}

impl DirectoryDump {
    /// The role a user (by id or case-insensitive email) holds.
    pub fn role_of(&self, who: &str) -> Option<&str> {
        self.users
            .iter()
            .find(|u| u.id == who || u.email.eq_ignore_ascii_case(who))
            .map(|u| u.role_id.as_str())
    }

    /// Member ids of a role, `None` if the role does not exist.
    pub fn members_of(&self, role_id: &str) -> Option<&[String]> {
        self.roles
            .iter()
            .find(|r| r.role.id == role_id)
            .map(|r| r.members.as_slice())
    }
}

struct Change {
    at: Instant,
    user: usize,
    from: String,
}

/// The listing a page token belongs to: a token is only valid for the listing (and, for
/// users, the status filter) it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Listing {
    Members { role_id: String },
    Users { status: String },
}

struct Cursor {
    listing: Listing,
    offset: usize,
    expires: Instant,
}

/// Where a page starts and how long it is.
struct PageStart {
    offset: usize,
    size: usize,
}

/// The paging fields of an answer.
struct PageEnd {
    page_count: usize,
    page_number: usize,
    next_page_token: String,
}

/// Roles, users and who holds which role.
pub struct Directory {
    roles: Vec<Role>,
    users: Vec<User>,
    by_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    /// Membership changes, oldest first, for read-after-write lag.
    changes: VecDeque<Change>,
    cursors: HashMap<String, Cursor>,
}

fn is_system_role(id: &str) -> bool {
    matches!(id, OWNER_ROLE | ADMIN_ROLE | MEMBER_ROLE)
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn system_role(id: &str, name: &str, description: &str) -> Role {
    Role {
        id: id.into(),
        name: name.into(),
        description: description.into(),
        kind: "common".into(),
        privileges: Vec::new(),
    }
}

impl Directory {
    /// A directory with the three system roles and the given users.
    pub fn new(seeds: Vec<UserSeed>) -> ApiResult<Self> {
        let mut dir = Directory {
            roles: vec![
                system_role(OWNER_ROLE, "Owner", "Account owner has full privileges."),
                system_role(ADMIN_ROLE, "Admin", "Admins manage the account."),
                system_role(
                    MEMBER_ROLE,
                    "Member",
                    "Members have access to basic features.",
                ),
            ],
            users: Vec::new(),
            by_id: HashMap::new(),
            by_email: HashMap::new(),
            changes: VecDeque::new(),
            cursors: HashMap::new(),
        };
        dir.add_users(seeds)?;
        Ok(dir)
    }

    /// Add users (all or none). Ids and emails must be new; roles must exist.
    pub fn add_users(&mut self, seeds: Vec<UserSeed>) -> ApiResult<()> {
        let mut ids = HashSet::new();
        let mut emails = HashSet::new();
        for s in &seeds {
            let email = s.email.to_lowercase();
            if s.id.is_empty() || s.email.is_empty() {
                return Err(ApiError::validation("Every user needs an id and an email."));
            }
            if self.by_id.contains_key(&s.id) || !ids.insert(s.id.clone()) {
                return Err(ApiError::validation(format!(
                    "Duplicate user id: {}.",
                    s.id
                )));
            }
            if self.by_email.contains_key(&email) || !emails.insert(email) {
                return Err(ApiError::validation(format!(
                    "Duplicate user email: {}.",
                    s.email
                )));
            }
            if let Some(status) = &s.status {
                if !USER_STATUSES.contains(&status.as_str()) {
                    return Err(ApiError::validation(format!(
                        "User {} has unknown status {status}: use active, inactive or pending.",
                        s.id
                    )));
                }
            }
            // An empty role_id means no role given: the user is a Member.
            if let Some(role) = s.role_id.as_deref().filter(|r| !r.is_empty()) {
                if self.role_index(role).is_none() {
                    return Err(ApiError::validation(format!(
                        "User {} has unknown role_id {role}.",
                        s.id
                    )));
                }
            }
        }
        for s in seeds {
            let idx = self.users.len();
            self.by_id.insert(s.id.clone(), idx);
            self.by_email.insert(s.email.to_lowercase(), idx);
            self.users.push(User {
                id: s.id,
                email: s.email,
                first_name: s.first_name,
                last_name: s.last_name,
                user_type: s.user_type.unwrap_or(1),
                department: s.department.unwrap_or_default(),
                status: s.status.unwrap_or_else(|| "active".into()),
                role_id: s
                    .role_id
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| MEMBER_ROLE.into()),
            });
        }
        Ok(())
    }

    fn role_index(&self, id: &str) -> Option<usize> {
        self.roles.iter().position(|r| r.id == id)
    }

    fn count_members(&self, role_id: &str) -> usize {
        self.users.iter().filter(|u| u.role_id == role_id).count()
    }

    fn with_count(&self, role: &Role) -> RoleWithCount {
        RoleWithCount {
            role: role.clone(),
            total_members: self.count_members(&role.id),
        }
    }

    fn name_in_use(&self, name: &str, except: Option<&str>) -> bool {
        let key = name_key(name);
        self.roles
            .iter()
            .any(|r| Some(r.id.as_str()) != except && name_key(&r.name) == key)
    }

    fn set_role(&mut self, user: usize, role_id: &str, now: Instant) {
        let from = std::mem::replace(&mut self.users[user].role_id, role_id.to_string());
        if from != role_id {
            self.changes.push_back(Change {
                at: now,
                user,
                from,
            });
        }
        while self
            .changes
            .front()
            .is_some_and(|c| now.saturating_duration_since(c.at) > MAX_LAG)
        {
            self.changes.pop_front();
        }
    }

    /// `GET /roles?type=`: `common` (default) or `iq`.
    pub fn list_roles(&self, kind: Option<&str>) -> ApiResult<Vec<RoleWithCount>> {
        let kind = match kind.unwrap_or("common") {
            "" | "common" => "common",
            "iq" => "iq",
            other => {
                return Err(ApiError::validation(format!(
                    "Invalid field: type must be common or iq, not {other}."
                )))
            }
        };
        Ok(self
            .roles
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| self.with_count(r))
            .collect())
    }

    /// `POST /roles` with a fresh id chosen by the caller.
    pub fn create_role(&mut self, new: NewRole, id: String) -> ApiResult<RoleWithCount> {
        let name = new.name.unwrap_or_default();
        if name.trim().is_empty() {
            return Err(ApiError::validation("Role name is required."));
        }
        let kind = match new.kind.as_deref() {
            None | Some("") | Some("common") => "common",
            Some("iq") => "iq",
            Some(other) => {
                return Err(ApiError::validation(format!(
                    "Invalid field: type must be common or iq, not {other}."
                )))
            }
        };
        if self.name_in_use(&name, None) {
            return Err(ApiError::name_taken(&name));
        }
        let role = Role {
            id,
            name,
            description: new.description.unwrap_or_default(),
            kind: kind.into(),
            privileges: new.privileges.unwrap_or_default(),
        };
        self.roles.push(role.clone());
        Ok(RoleWithCount {
            role,
            total_members: 0,
        })
    }

    /// `GET /roles/{roleId}`.
    pub fn get_role(&self, id: &str) -> ApiResult<RoleWithCount> {
        let idx = self.role_index(id).ok_or_else(ApiError::role_missing)?;
        Ok(self.with_count(&self.roles[idx]))
    }

    /// `PATCH /roles/{roleId}`.
    pub fn update_role(&mut self, id: &str, patch: RolePatch) -> ApiResult<()> {
        let idx = self.role_index(id).ok_or_else(ApiError::role_missing)?;
        if id == OWNER_ROLE || id == MEMBER_ROLE {
            return Err(ApiError::validation("This role cannot be updated."));
        }
        if let Some(name) = &patch.name {
            if name.trim().is_empty() {
                return Err(ApiError::validation("Role name is required."));
            }
            if self.name_in_use(name, Some(id)) {
                return Err(ApiError::name_taken(name));
            }
        }
        let role = &mut self.roles[idx];
        if let Some(name) = patch.name {
            role.name = name;
        }
        if let Some(description) = patch.description {
            role.description = description;
        }
        if let Some(privileges) = patch.privileges {
            role.privileges = privileges;
        }
        Ok(())
    }

    /// `DELETE /roles/{roleId}`.
    pub fn delete_role(
        &mut self,
        id: &str,
        policy: DeleteRolePolicy,
        now: Instant,
    ) -> ApiResult<()> {
        let idx = self.role_index(id).ok_or_else(ApiError::role_missing)?;
        if is_system_role(id) {
            return Err(ApiError::validation("System roles cannot be deleted."));
        }
        let members: Vec<usize> = (0..self.users.len())
            .filter(|&u| self.users[u].role_id == id)
            .collect();
        if !members.is_empty() && policy == DeleteRolePolicy::Reject {
            return Err(ApiError::validation(
                "This role has members. Remove them before deleting the role.",
            ));
        }
        for u in members {
            self.set_role(u, MEMBER_ROLE, now);
        }
        self.roles.remove(idx);
        self.cursors
            .retain(|_, c| !matches!(&c.listing, Listing::Members { role_id } if role_id == id));
        Ok(())
    }

    /// `GET /roles/{roleId}/members`. Listings see membership as it was `lag` ago;
    /// `new_token` supplies an opaque page token when another page follows.
    pub fn list_members(
        &mut self,
        role_id: &str,
        query: &MemberQuery,
        now: Instant,
        lag: Duration,
        new_token: impl FnOnce() -> String,
    ) -> ApiResult<MemberPage> {
        if self.role_index(role_id).is_none() {
            return Err(ApiError::role_missing_members());
        }
        let listing = Listing::Members {
            role_id: role_id.to_string(),
        };
        let start = self.page_start(
            &listing,
            query.page_size.as_deref(),
            query.next_page_token.as_deref(),
            query.page_number.as_deref(),
            now,
        )?;
        let (offset, page_size) = (start.offset, start.size);

        let members = self.members_as_of(role_id, now, lag);
        let total = members.len();
        let page: Vec<MemberView> = members
            .into_iter()
            .skip(offset)
            .take(page_size)
            .map(|u| {
                let user = &self.users[u];
                MemberView {
                    id: if user.status == "pending" {
                        String::new()
                    } else {
                        user.id.clone()
                    },
                    email: user.email.clone(),
                    first_name: user.first_name.clone(),
                    last_name: user.last_name.clone(),
                    user_type: user.user_type,
                    department: user.department.clone(),
                }
            })
            .collect();
        let end = self.page_end(listing, &start, total, now, new_token);
        Ok(MemberPage {
            page_count: end.page_count,
            page_number: end.page_number,
            page_size,
            total_records: total,
            next_page_token: end.next_page_token,
            members: page,
        })
    }

    /// `GET /users?status=`: users with that status (`active` by default), in seeding
    /// order, paginated like member listings.
    pub fn list_users(
        &mut self,
        query: &UserQuery,
        now: Instant,
        new_token: impl FnOnce() -> String,
    ) -> ApiResult<UserPage> {
        let status = match query.status.as_deref().map(str::trim) {
            None | Some("") => "active",
            Some(s) => USER_STATUSES
                .iter()
                .copied()
                .find(|known| known.eq_ignore_ascii_case(s))
                .ok_or_else(|| {
                    ApiError::validation(format!(
                        "Invalid field: status must be active, inactive or pending, not {s}."
                    ))
                })?,
        };
        let listing = Listing::Users {
            status: status.to_string(),
        };
        let start = self.page_start(
            &listing,
            query.page_size.as_deref(),
            query.next_page_token.as_deref(),
            query.page_number.as_deref(),
            now,
        )?;
        let matching: Vec<&User> = self.users.iter().filter(|u| u.status == status).collect();
        let total = matching.len();
        let users: Vec<UserView> = matching
            .into_iter()
            .skip(start.offset)
            .take(start.size)
            .map(|u| UserView {
                id: u.id.clone(),
                email: u.email.clone(),
                first_name: u.first_name.clone(),
                last_name: u.last_name.clone(),
                user_type: u.user_type,
                status: u.status.clone(),
                role_id: u.role_id.clone(),
                dept: u.department.clone(),
            })
            .collect();
        let end = self.page_end(listing, &start, total, now, new_token);
        Ok(UserPage {
            page_count: end.page_count,
            page_number: end.page_number,
            page_size: start.size,
            total_records: total,
            next_page_token: end.next_page_token,
            users,
        })
    }

    /// Zoom's paging rules, shared by every paginated listing: `page_size` defaults to 30
    /// (0 or negative too) and is clamped to 300; a `next_page_token` must be live and
    /// belong to this listing (else code 300); without one, the deprecated `page_number`
    /// picks the page.
    fn page_start(
        &mut self,
        listing: &Listing,
        page_size: Option<&str>,
        token: Option<&str>,
        page_number: Option<&str>,
        now: Instant,
    ) -> ApiResult<PageStart> {
        let size = match page_size.map(str::trim) {
            None | Some("") => DEFAULT_PAGE_SIZE,
            Some(s) => match s.parse::<i64>() {
                Ok(n) if n <= 0 => DEFAULT_PAGE_SIZE,
                Ok(n) => usize::try_from(n)
                    .unwrap_or(MAX_PAGE_SIZE)
                    .min(MAX_PAGE_SIZE),
                Err(_) => return Err(ApiError::validation("Invalid field: page_size.")),
            },
        };
        self.cursors.retain(|_, c| c.expires > now);
        let offset = match token {
            Some(token) if !token.is_empty() => match self.cursors.get(token) {
                Some(c) if &c.listing == listing => c.offset,
                _ => {
                    return Err(ApiError::validation(
                        "The next page token is either invalid or expired.",
                    ))
                }
            },
            _ => match page_number.map(str::trim) {
                None | Some("") => 0,
                Some(s) => match s.parse::<usize>() {
                    Ok(n) if n >= 1 => (n - 1).saturating_mul(size),
                    _ => return Err(ApiError::validation("Invalid field: page_number.")),
                },
            },
        };
        Ok(PageStart { offset, size })
    }

    /// Paging fields for a page of `total` records; issues a token (remembering the next
    /// offset) when another page follows, else the token is empty.
    fn page_end(
        &mut self,
        listing: Listing,
        start: &PageStart,
        total: usize,
        now: Instant,
        new_token: impl FnOnce() -> String,
    ) -> PageEnd {
        let next = start.offset.saturating_add(start.size);
        let next_page_token = if next < total {
            let token = new_token();
            self.cursors.insert(
                token.clone(),
                Cursor {
                    listing,
                    offset: next,
                    expires: now + PAGE_TOKEN_TTL,
                },
            );
            token
        } else {
            String::new()
        };
        PageEnd {
            page_count: total.div_ceil(start.size),
            page_number: start.offset / start.size + 1,
            next_page_token,
        }
    }

    /// Indexes of the users holding `role_id` as of `now - lag`.
    fn members_as_of(&self, role_id: &str, now: Instant, lag: Duration) -> Vec<usize> {
        let lag = lag.min(MAX_LAG);
        let mut then: HashMap<usize, &str> = HashMap::new();
        if !lag.is_zero() {
            // Undo changes newer than the cutoff, newest first, so each user ends on
            // the role they held at the cutoff.
            for c in self.changes.iter().rev() {
                if now.saturating_duration_since(c.at) >= lag {
                    break;
                }
                then.insert(c.user, c.from.as_str());
            }
        }
        (0..self.users.len())
            .filter(|u| then.get(u).copied().unwrap_or(&self.users[*u].role_id) == role_id)
            .collect()
    }

    fn find_user(&self, who: &str) -> Option<usize> {
        self.by_id
            .get(who)
            .or_else(|| self.by_email.get(&who.to_lowercase()))
            .copied()
    }

    /// `POST /roles/{roleId}/members`: all or nothing. Returns the user ids, in order.
    pub fn assign(
        &mut self,
        role_id: &str,
        members: Option<Vec<MemberRef>>,
        now: Instant,
    ) -> ApiResult<Vec<String>> {
        if self.role_index(role_id).is_none() {
            return Err(ApiError::role_missing_members());
        }
        if role_id == OWNER_ROLE || role_id == MEMBER_ROLE {
            return Err(ApiError::validation(OWNER_MEMBER_MSG));
        }
        let members = members.unwrap_or_default();
        if members.is_empty() {
            return Err(ApiError::validation("Members are required."));
        }
        if members.len() > MAX_ASSIGN {
            return Err(ApiError::validation(format!(
                "A maximum of {MAX_ASSIGN} members can be assigned at a time."
            )));
        }
        let mut resolved: Vec<usize> = Vec::new();
        for m in &members {
            let found = match (m.id.as_deref(), m.email.as_deref()) {
                (Some(id), _) if !id.is_empty() => self
                    .by_id
                    .get(id)
                    .copied()
                    .ok_or_else(|| ApiError::user_missing(id)),
                (_, Some(email)) if !email.is_empty() => self
                    .by_email
                    .get(&email.to_lowercase())
                    .copied()
                    .ok_or_else(|| ApiError::user_missing(email)),
                _ => Err(ApiError::validation("Each member needs an id or an email.")),
            }?;
            if self.users[found].role_id == OWNER_ROLE {
                return Err(ApiError::validation(
                    "The account owner's role cannot be changed.",
                ));
            }
            if !resolved.contains(&found) {
                resolved.push(found);
            }
        }
        for &u in &resolved {
            self.set_role(u, role_id, now);
        }
        Ok(resolved
            .into_iter()
            .map(|u| self.users[u].id.clone())
            .collect())
    }

    /// `DELETE /roles/{roleId}/members/{memberId}`: the user falls back to Member.
    pub fn unassign(&mut self, role_id: &str, member_id: &str, now: Instant) -> ApiResult<()> {
        if self.role_index(role_id).is_none() {
            return Err(ApiError::role_missing_members());
        }
        if role_id == OWNER_ROLE || role_id == MEMBER_ROLE {
            return Err(ApiError::validation(OWNER_MEMBER_MSG));
        }
        let user = self
            .by_id
            .get(member_id)
            .copied()
            .ok_or_else(|| ApiError::user_missing(member_id))?;
        if self.users[user].role_id != role_id {
            return Err(ApiError::validation(format!(
                "User {member_id} is not a member of this role."
            )));
        }
        self.set_role(user, MEMBER_ROLE, now);
        Ok(())
    }

    /// Change a user's status (by id or case-insensitive email), as when an invited user
    /// accepts or an admin deactivates someone. Listings paginated by offset shift.
    pub fn set_user_status(&mut self, who: &str, status: &str) -> ApiResult<()> {
        if !USER_STATUSES.contains(&status) {
            return Err(ApiError::validation(format!(
                "Unknown status {status}: use active, inactive or pending."
            )));
        }
        let user = self
            .find_user(who)
            .ok_or_else(|| ApiError::user_missing(who))?;
        self.users[user].status = status.to_string();
        Ok(())
    }

    /// The user `GET /users/me` answers with: `app_user` (an id or email) if set, else the
    /// account Owner.
    pub fn app_user(&self, app_user: Option<&str>) -> ApiResult<(User, String)> {
        match app_user {
            Some(who) => self.get_user(who),
            None => {
                let owner = self
                    .users
                    .iter()
                    .find(|u| u.role_id == OWNER_ROLE)
                    .ok_or_else(|| ApiError::user_missing("me"))?;
                self.get_user(&owner.id.clone())
            }
        }
    }

    /// Whether the app's user (see [`Directory::app_user`]) still holds a role that lets
    /// an app manage roles: Owner, Admin, or a custom role with `Role:Edit` and
    /// `User:Edit`. Zoom takes an app's admin-level scopes away when its owner loses such
    /// a role; the simulator does the same to tokens issued from then on.
    /// Without an `app_user` the app acts as the Owner, whose role the API can't change.
    pub fn app_user_can_manage_roles(&self, app_user: Option<&str>) -> bool {
        let Some(who) = app_user else { return true };
        let Ok((user, _)) = self.get_user(who) else {
            return false;
        };
        match user.role_id.as_str() {
            OWNER_ROLE | ADMIN_ROLE => true,
            MEMBER_ROLE => false,
            custom => self.role_index(custom).is_some_and(|r| {
                let p = &self.roles[r].privileges;
                ["Role:Edit", "User:Edit"]
                    .iter()
                    .all(|want| p.iter().any(|have| have == want))
            }),
        }
    }

    /// `GET /users/{userId}`: by id, or by email (case-insensitive). Returns the user and
    /// the name of their role.
    pub fn get_user(&self, who: &str) -> ApiResult<(User, String)> {
        let user = self
            .find_user(who)
            .map(|u| self.users[u].clone())
            .ok_or_else(|| ApiError::user_missing(who))?;
        let role_name = self
            .role_index(&user.role_id)
            .map(|r| self.roles[r].name.clone())
            .unwrap_or_default();
        Ok((user, role_name))
    }

    /// Everything, for the control API.
    pub fn dump(&self) -> DirectoryDump {
        DirectoryDump {
            roles: self
                .roles
                .iter()
                .map(|r| RoleDump {
                    role: r.clone(),
                    members: self
                        .users
                        .iter()
                        .filter(|u| u.role_id == r.id)
                        .map(|u| u.id.clone())
                        .collect(),
                })
                .collect(),
            users: self.users.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(n: usize) -> Directory {
        Directory::new(UserSeed::generated(n)).expect("seed")
    }

    fn refs(ids: &[&str]) -> Option<Vec<MemberRef>> {
        Some(
            ids.iter()
                .map(|id| MemberRef {
                    id: Some(id.to_string()),
                    email: None,
                })
                .collect(),
        )
    }

    fn role(d: &mut Directory, name: &str, id: &str) -> String {
        let new = NewRole {
            name: Some(name.into()),
            ..NewRole::default()
        };
        d.create_role(new, id.into()).expect("create").role.id
    }

    #[test]
    fn assigning_moves_a_user_out_of_the_old_role() {
        let mut d = dir(3);
        let now = Instant::now();
        let a = role(&mut d, "A", "ra");
        let b = role(&mut d, "B", "rb");
        d.assign(&a, refs(&["u00001"]), now).expect("assign a");
        d.assign(&b, refs(&["u00001"]), now).expect("assign b");
        assert_eq!(d.get_role(&a).expect("a").total_members, 0);
        assert_eq!(d.get_role(&b).expect("b").total_members, 1);
    }

    #[test]
    fn lagged_listing_shows_the_past() {
        let mut d = dir(3);
        let t0 = Instant::now();
        let a = role(&mut d, "A", "ra");
        d.assign(&a, refs(&["u00001"]), t0).expect("assign");
        let q = MemberQuery::default();
        let lag = Duration::from_millis(100);
        let page = d.list_members(&a, &q, t0, lag, String::new).expect("list");
        assert_eq!(page.total_records, 0);
        let later = t0 + Duration::from_millis(150);
        let page = d
            .list_members(&a, &q, later, lag, String::new)
            .expect("list");
        assert_eq!(page.total_records, 1);
    }

    #[test]
    fn names_are_unique_case_insensitively() {
        let mut d = dir(0);
        role(&mut d, "Auditors", "r1");
        let err = d
            .create_role(
                NewRole {
                    name: Some("AUDITORS".into()),
                    ..NewRole::default()
                },
                "r2".into(),
            )
            .expect_err("duplicate");
        assert_eq!(err.code, 1224);
        let err = d
            .update_role(
                ADMIN_ROLE,
                RolePatch {
                    name: Some("auditors".into()),
                    ..RolePatch::default()
                },
            )
            .expect_err("duplicate");
        assert_eq!(err.code, 1224);
    }
}
