//! The one table of the Zoom REST endpoints the client calls: for each operation its
//! method and path template, Zoom's rate-limit category, and the OAuth scope it needs on a
//! classic app and on an app with granular scopes (apps created since 2024 get granular
//! scopes only). From Zoom's API reference. The client takes categories and the scopes it
//! names in 4700/4711 errors from here, the simulator its route table, and the provider
//! documentation its scope list, so the three cannot drift apart.

use super::limiter::Category;
use super::stats::Operation;

/// One endpoint of Zoom's REST API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiEndpoint {
    /// The client operation that calls it.
    pub operation: Operation,
    /// HTTP method, e.g. `GET`.
    pub method: &'static str,
    /// Path template under the API base, e.g. `/roles/{roleId}/members`.
    pub path: &'static str,
    /// Zoom's rate-limit category.
    pub category: Category,
    /// The scope a classic app needs.
    pub classic_scope: &'static str,
    /// The scope an app with granular scopes needs.
    pub granular_scope: &'static str,
    /// What the provider uses it for, for the documentation.
    pub used_for: &'static str,
    /// The Master Account API form of the endpoint, when it has one: the same call for a
    /// sub-account of the app's account (see [`MasterForm`]).
    pub master: Option<MasterForm>,
}

/// The Master Account API form of an endpoint. Zoom's reference: "Master API endpoints are
/// prepended with `/accounts/{accountId}`. The request body and responses mirror the
/// standard Zoom APIs" (developers.zoom.us/docs/api/ma), and such calls "can only be used to
/// manage their own sub accounts". `me` as `accountId` names the master account itself. The
/// rate-limit category is the account form's: the reference gives none of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MasterForm {
    /// Path template, e.g. `/accounts/{accountId}/roles/{roleId}/members`.
    pub path: &'static str,
    /// The classic scope (`<resource>:master`).
    pub classic_scope: &'static str,
    /// The granular scope (`<resource>:<action>:<detail>:master`).
    pub granular_scope: &'static str,
    /// Whether Zoom's reference names this scope; `false` = it follows the naming of the
    /// documented ones and the documentation says so.
    pub scope_documented: bool,
}

/// Which form of an endpoint a call uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// The app's own account: `/roles`, `/users/{userId}`, ...
    Account,
    /// A sub-account, through the Master Account API: `/accounts/{accountId}/roles`, ...
    Master,
}

impl ApiEndpoint {
    /// `METHOD /path`, e.g. `GET /roles/{roleId}`.
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The path template of `form` (the account form when there is no master form).
    pub fn path_of(&self, form: Form) -> &'static str {
        match (form, self.master) {
            (Form::Master, Some(m)) => m.path,
            _ => self.path,
        }
    }

    /// The classic and granular scopes `form` needs.
    pub fn scopes_of(&self, form: Form) -> (&'static str, &'static str) {
        match (form, self.master) {
            (Form::Master, Some(m)) => (m.classic_scope, m.granular_scope),
            _ => (self.classic_scope, self.granular_scope),
        }
    }
}

const fn master(
    path: &'static str,
    classic_scope: &'static str,
    granular_scope: &'static str,
    scope_documented: bool,
) -> Option<MasterForm> {
    Some(MasterForm {
        path,
        classic_scope,
        granular_scope,
        scope_documented,
    })
}

/// Every endpoint the client calls, one per [`Operation`], in [`Operation::ALL`] order.
pub const ENDPOINTS: [ApiEndpoint; 11] = [
    ApiEndpoint {
        operation: Operation::ListRoles,
        method: "GET",
        path: "/roles",
        category: Category::Medium,
        classic_scope: "role:read:admin",
        granular_scope: "role:read:list_roles:admin",
        used_for: "Listing roles (role lookups by name, `zoom_roles`, `terraform query`)",
        master: master(
            "/accounts/{accountId}/roles",
            "role:master",
            "role:read:list_roles:master",
            true,
        ),
    },
    ApiEndpoint {
        operation: Operation::CreateRole,
        method: "POST",
        path: "/roles",
        category: Category::Light,
        classic_scope: "role:write:admin",
        granular_scope: "role:write:role:admin",
        used_for: "Creating a role",
        master: master(
            "/accounts/{accountId}/roles",
            "role:master",
            "role:write:role:master",
            false,
        ),
    },
    ApiEndpoint {
        operation: Operation::GetRole,
        method: "GET",
        path: "/roles/{roleId}",
        category: Category::Light,
        classic_scope: "role:read:admin",
        granular_scope: "role:read:role:admin",
        used_for: "Reading a role",
        master: master(
            "/accounts/{accountId}/roles/{roleId}",
            "role:master",
            "role:read:role:master",
            false,
        ),
    },
    ApiEndpoint {
        operation: Operation::UpdateRole,
        method: "PATCH",
        path: "/roles/{roleId}",
        category: Category::Light,
        classic_scope: "role:write:admin",
        granular_scope: "role:update:role:admin",
        used_for: "Updating a role",
        master: master(
            "/accounts/{accountId}/roles/{roleId}",
            "role:master",
            "role:update:role:master",
            false,
        ),
    },
    ApiEndpoint {
        operation: Operation::DeleteRole,
        method: "DELETE",
        path: "/roles/{roleId}",
        category: Category::Light,
        classic_scope: "role:write:admin",
        granular_scope: "role:delete:role:admin",
        used_for: "Deleting a role",
        master: master(
            "/accounts/{accountId}/roles/{roleId}",
            "role:master",
            "role:delete:role:master",
            false,
        ),
    },
    ApiEndpoint {
        operation: Operation::ListMembers,
        method: "GET",
        path: "/roles/{roleId}/members",
        category: Category::Medium,
        classic_scope: "role:read:admin",
        granular_scope: "role:read:list_members:admin",
        used_for: "Reading a role's members",
        master: master(
            "/accounts/{accountId}/roles/{roleId}/members",
            "role:master",
            "role:read:list_members:master",
            true,
        ),
    },
    ApiEndpoint {
        operation: Operation::AssignMembers,
        method: "POST",
        path: "/roles/{roleId}/members",
        category: Category::Medium,
        classic_scope: "role:write:admin",
        granular_scope: "role:write:member:admin",
        used_for: "Assigning users to a role",
        master: master(
            "/accounts/{accountId}/roles/{roleId}/members",
            "role:master",
            "role:write:member:master",
            true,
        ),
    },
    ApiEndpoint {
        operation: Operation::UnassignMember,
        method: "DELETE",
        path: "/roles/{roleId}/members/{memberId}",
        category: Category::Light,
        classic_scope: "role:write:admin",
        granular_scope: "role:delete:member:admin",
        used_for: "Taking a user out of a role",
        master: master(
            "/accounts/{accountId}/roles/{roleId}/members/{memberId}",
            "role:master",
            "role:delete:member:master",
            false,
        ),
    },
    ApiEndpoint {
        operation: Operation::GetUser,
        method: "GET",
        path: "/users/{userId}",
        category: Category::Light,
        classic_scope: "user:read:admin",
        granular_scope: "user:read:user:admin",
        used_for: "Looking a user up by email or id",
        master: master(
            "/accounts/{accountId}/users/{userId}",
            "user:master",
            "user:read:user:master",
            true,
        ),
    },
    ApiEndpoint {
        operation: Operation::ListUsers,
        method: "GET",
        path: "/users",
        category: Category::Medium,
        classic_scope: "user:read:admin",
        granular_scope: "user:read:list_users:admin",
        used_for: "Listing users (plans with many memberships, `terraform query`)",
        master: master(
            "/accounts/{accountId}/users",
            "user:master",
            "user:read:list_users:master",
            true,
        ),
    },
    ApiEndpoint {
        operation: Operation::ListSubAccounts,
        method: "GET",
        path: "/accounts",
        category: Category::Medium,
        classic_scope: "account:read:admin",
        granular_scope: "account:read:list_sub_accounts:master",
        used_for: "Listing the sub-accounts (`terraform query` with `all_sub_accounts`)",
        master: None,
    },
];

/// The table row of `op`.
pub fn endpoint(op: Operation) -> &'static ApiEndpoint {
    &ENDPOINTS[op as usize]
}

/// The row for `method` and path template `path`, if the client calls it.
pub fn endpoint_for(method: &str, path: &str) -> Option<&'static ApiEndpoint> {
    route_for(method, path).map(|(e, _)| e)
}

/// The row and the form for `method` and path template `path` (either form's), if the
/// client calls it.
pub fn route_for(method: &str, path: &str) -> Option<(&'static ApiEndpoint, Form)> {
    ENDPOINTS.iter().find_map(|e| {
        if !e.method.eq_ignore_ascii_case(method) {
            return None;
        }
        if e.path == path {
            return Some((e, Form::Account));
        }
        e.master
            .filter(|m| m.path == path)
            .map(|_| (e, Form::Master))
    })
}

/// Every classic scope the provider can need in the app's own account, each once, in table
/// order.
pub fn classic_scopes() -> Vec<&'static str> {
    unique(own_account().map(|e| e.classic_scope))
}

/// Every granular scope the provider can need in the app's own account, each once, in
/// table order.
pub fn granular_scopes() -> Vec<&'static str> {
    unique(own_account().map(|e| e.granular_scope))
}

/// Every classic scope the provider can need for sub-accounts, each once, in table order.
pub fn master_classic_scopes() -> Vec<&'static str> {
    unique(
        ENDPOINTS
            .iter()
            .filter_map(|e| e.master.map(|m| m.classic_scope)),
    )
}

/// Every granular scope the provider can need for sub-accounts (the master forms, and the
/// listing of sub-accounts), each once, in table order.
pub fn master_granular_scopes() -> Vec<&'static str> {
    unique(
        ENDPOINTS
            .iter()
            .filter_map(|e| e.master.map(|m| m.granular_scope))
            .chain(master_only().map(|e| e.granular_scope)),
    )
}

/// The rows of the app's own account (all but the Master Account API's own endpoints).
fn own_account() -> impl Iterator<Item = &'static ApiEndpoint> {
    ENDPOINTS.iter().filter(|e| !is_master_only(e))
}

/// The Master Account API's own endpoints (listing sub-accounts).
fn master_only() -> impl Iterator<Item = &'static ApiEndpoint> {
    ENDPOINTS.iter().filter(|e| is_master_only(e))
}

fn is_master_only(e: &ApiEndpoint) -> bool {
    e.granular_scope.ends_with(":master")
}

fn unique(it: impl Iterator<Item = &'static str>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in it {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_operation_in_order() {
        for (i, op) in Operation::ALL.iter().enumerate() {
            assert_eq!(ENDPOINTS[i].operation, *op);
            assert_eq!(endpoint(*op).operation, *op);
        }
        let routes: std::collections::BTreeSet<String> =
            ENDPOINTS.iter().map(ApiEndpoint::route).collect();
        assert_eq!(routes.len(), ENDPOINTS.len(), "routes are unique");
        assert_eq!(
            endpoint_for("get", "/roles/{roleId}").map(|e| e.operation),
            Some(Operation::GetRole)
        );
        assert!(endpoint_for("PUT", "/roles").is_none());
    }

    #[test]
    fn scope_lists_cover_every_endpoint() {
        assert_eq!(
            classic_scopes(),
            ["role:read:admin", "role:write:admin", "user:read:admin"]
        );
        let granular = granular_scopes();
        assert_eq!(granular.len(), ENDPOINTS.len() - 1);
        assert!(granular.contains(&"user:read:list_users:admin"));
        for e in own_account() {
            // Granular scopes have a resource, an action, a detail and `admin`.
            assert_eq!(e.granular_scope.split(':').count(), 4, "{}", e.route());
            assert!(e.granular_scope.ends_with(":admin"), "{}", e.route());
            assert_eq!(e.classic_scope.split(':').count(), 3, "{}", e.route());
        }
    }

    #[test]
    fn master_forms_mirror_the_account_forms() {
        for e in &ENDPOINTS {
            let Some(m) = e.master else {
                assert!(is_master_only(e), "{}", e.route());
                continue;
            };
            assert_eq!(m.path, format!("/accounts/{{accountId}}{}", e.path));
            let (resource, rest) = e.granular_scope.split_once(':').unwrap();
            let want = format!("{resource}:{}", rest.replace(":admin", ":master"));
            assert_eq!(m.granular_scope, want, "{}", e.route());
            assert_eq!(m.classic_scope, format!("{resource}:master"));
            assert_eq!(route_for(e.method, m.path), Some((e, Form::Master)));
            assert_eq!(route_for(e.method, e.path), Some((e, Form::Account)));
        }
        let master = master_granular_scopes();
        // The scopes a Zoom user listed from his token are among them.
        for s in [
            "role:read:list_roles:master",
            "role:write:member:master",
            "role:read:list_members:master",
        ] {
            assert!(master.contains(&s), "{s}");
        }
        assert_eq!(master_classic_scopes(), ["role:master", "user:master"]);
    }
}
