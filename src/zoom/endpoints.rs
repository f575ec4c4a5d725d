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
}

impl ApiEndpoint {
    /// `METHOD /path`, e.g. `GET /roles/{roleId}`.
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Every endpoint the client calls, one per [`Operation`], in [`Operation::ALL`] order.
pub const ENDPOINTS: [ApiEndpoint; 10] = [
    ApiEndpoint {
        operation: Operation::ListRoles,
        method: "GET",
        path: "/roles",
        category: Category::Medium,
        classic_scope: "role:read:admin",
        granular_scope: "role:read:list_roles:admin",
        used_for: "Listing roles (role lookups by name, `zoom_roles`, `terraform query`)",
    },
    ApiEndpoint {
        operation: Operation::CreateRole,
        method: "POST",
        path: "/roles",
        category: Category::Light,
        classic_scope: "role:write:admin",
        granular_scope: "role:write:role:admin",
        used_for: "Creating a role",
    },
    ApiEndpoint {
        operation: Operation::GetRole,
        method: "GET",
        path: "/roles/{roleId}",
        category: Category::Light,
        classic_scope: "role:read:admin",
        granular_scope: "role:read:role:admin",
        used_for: "Reading a role",
    },
    ApiEndpoint {
        operation: Operation::UpdateRole,
        method: "PATCH",
        path: "/roles/{roleId}",
        category: Category::Light,
        classic_scope: "role:write:admin",
        granular_scope: "role:update:role:admin",
        used_for: "Updating a role",
    },
    ApiEndpoint {
        operation: Operation::DeleteRole,
        method: "DELETE",
        path: "/roles/{roleId}",
        category: Category::Light,
        classic_scope: "role:write:admin",
        granular_scope: "role:delete:role:admin",
        used_for: "Deleting a role",
    },
    ApiEndpoint {
        operation: Operation::ListMembers,
        method: "GET",
        path: "/roles/{roleId}/members",
        category: Category::Medium,
        classic_scope: "role:read:admin",
        granular_scope: "role:read:list_members:admin",
        used_for: "Reading a role's members",
    },
    ApiEndpoint {
        operation: Operation::AssignMembers,
        method: "POST",
        path: "/roles/{roleId}/members",
        category: Category::Medium,
        classic_scope: "role:write:admin",
        granular_scope: "role:write:member:admin",
        used_for: "Assigning users to a role",
    },
    ApiEndpoint {
        operation: Operation::UnassignMember,
        method: "DELETE",
        path: "/roles/{roleId}/members/{memberId}",
        category: Category::Light,
        classic_scope: "role:write:admin",
        granular_scope: "role:delete:member:admin",
        used_for: "Taking a user out of a role",
    },
    ApiEndpoint {
        operation: Operation::GetUser,
        method: "GET",
        path: "/users/{userId}",
        category: Category::Light,
        classic_scope: "user:read:admin",
        granular_scope: "user:read:user:admin",
        used_for: "Looking a user up by email or id",
    },
    ApiEndpoint {
        operation: Operation::ListUsers,
        method: "GET",
        path: "/users",
        category: Category::Medium,
        classic_scope: "user:read:admin",
        granular_scope: "user:read:list_users:admin",
        used_for: "Listing users (plans with many memberships, `terraform query`)",
    },
];

/// The table row of `op`.
pub fn endpoint(op: Operation) -> &'static ApiEndpoint {
    &ENDPOINTS[op as usize]
}

/// The row for `method` and path template `path`, if the client calls it.
pub fn endpoint_for(method: &str, path: &str) -> Option<&'static ApiEndpoint> {
    ENDPOINTS
        .iter()
        .find(|e| e.method.eq_ignore_ascii_case(method) && e.path == path)
}

/// Every classic scope the provider can need, each once, in table order.
pub fn classic_scopes() -> Vec<&'static str> {
    unique(ENDPOINTS.iter().map(|e| e.classic_scope))
}

/// Every granular scope the provider can need, each once, in table order.
pub fn granular_scopes() -> Vec<&'static str> {
    unique(ENDPOINTS.iter().map(|e| e.granular_scope))
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
        assert_eq!(granular.len(), ENDPOINTS.len());
        assert!(granular.contains(&"user:read:list_users:admin"));
        for e in &ENDPOINTS {
            // Granular scopes have a resource, an action, a detail and `admin`.
            assert_eq!(e.granular_scope.split(':').count(), 4, "{}", e.route());
            assert_eq!(e.classic_scope.split(':').count(), 3, "{}", e.route());
        }
    }
}
