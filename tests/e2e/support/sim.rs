//! A Zoom simulator for end-to-end tests (in this test process, on 127.0.0.1) and the
//! provider block that points Terraform's provider at it.

#![allow(dead_code)]

use terraform_provider_zoom::sim::{self, SimConfig, SimHandle, Switches};

pub struct Zoom {
    pub sim: SimHandle,
}

/// A simulator with `users` seeded users (`user1@example.com` = `u00001`, ...).
pub fn zoom(users: usize) -> Zoom {
    zoom_with(users, |_| {})
}

pub fn zoom_with(users: usize, switches: impl FnOnce(&mut Switches)) -> Zoom {
    let config = SimConfig::default()
        .with_users(users)
        .with_seed(7)
        .with_switches(switches);
    Zoom {
        sim: sim::spawn_in_thread(config).expect("start zoom-sim"),
    }
}

/// A master account with `users` users and sub-accounts `sub1`..`subN`, each with
/// `users` users of its own (`user1@sub1.example.com` = `s1u00001`, ...).
pub fn zoom_with_sub_accounts(
    users: usize,
    subs: usize,
    switches: impl FnOnce(&mut Switches),
) -> Zoom {
    let config = SimConfig::default()
        .with_users(users)
        .with_sub_accounts(subs, users)
        .with_seed(7)
        .with_switches(switches);
    Zoom {
        sim: sim::spawn_in_thread(config).expect("start zoom-sim"),
    }
}

/// A simulator that also accepts a fixed access token.
pub fn zoom_with_token(users: usize, token: &str) -> Zoom {
    let config = SimConfig::default()
        .with_users(users)
        .with_seed(7)
        .with_static_token(token);
    Zoom {
        sim: sim::spawn_in_thread(config).expect("start zoom-sim"),
    }
}

impl Zoom {
    /// `provider "zoom"` with the simulator's client credentials.
    pub fn provider_block(&self) -> String {
        self.provider_block_with("")
    }

    pub fn provider_block_with(&self, extra: &str) -> String {
        format!(
            "provider \"zoom\" {{\n  account_id    = \"sim-account\"\n  client_id     = \"sim-client\"\n  client_secret = \"sim-secret\"\n  api_url       = \"{}\"\n  token_url     = \"{}\"\n{extra}}}\n",
            self.sim.api_url(),
            self.sim.token_url()
        )
    }

    /// The role a user holds now (by id or email).
    pub fn role_of(&self, who: &str) -> String {
        self.sim
            .state()
            .role_of(who)
            .unwrap_or_else(|| panic!("no user {who}"))
            .to_string()
    }

    /// The id of the role named `name`, if it exists.
    pub fn role_id_by_name(&self, name: &str) -> Option<String> {
        self.sim
            .state()
            .roles
            .iter()
            .find(|r| r.role.name == name)
            .map(|r| r.role.id.clone())
    }

    /// What sub-account `account` holds now.
    pub fn sub_account(&self, account: &str) -> terraform_provider_zoom::sim::DirectoryDump {
        self.sim
            .sub_account_state(account)
            .unwrap_or_else(|| panic!("no sub-account {account}"))
    }

    /// Requests since the last reset whose path (under `/v2`) is `path`.
    pub fn count_path(&self, method: &str, path: &str) -> usize {
        let full = format!("/v2{path}");
        self.sim
            .log()
            .iter()
            .filter(|e| e.method == method && e.path == full)
            .count()
    }

    /// Requests to a route key such as `"DELETE /roles/{roleId}/members/{memberId}"`.
    pub fn count(&self, route: &str) -> u64 {
        self.sim.stats().count(route)
    }

    pub fn reset_stats(&self) {
        self.sim.reset_stats();
    }

    /// Requests since the last reset that could change something in Zoom (every method but
    /// GET; the token endpoint aside), as `route key -> count`. Empty when nothing changed.
    pub fn mutations(&self) -> std::collections::BTreeMap<String, u64> {
        self.sim
            .stats()
            .by_route
            .into_iter()
            .filter(|(route, _)| !route.starts_with("GET ") && route != "POST /oauth/token")
            .collect()
    }
}

/// Changes made "outside Terraform": straight calls to the simulator's Zoom API, as an
/// admin clicking in Zoom's pages would cause.
impl Zoom {
    fn call(&self, method: &str, path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
        let url = format!("{}{path}", self.sim.api_url());
        let token = self.sim.issue_token();
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let mut req = reqwest::Client::new()
                .request(method, &url)
                .bearer_auth(token);
            if let Some(b) = body {
                req = req.json(&b);
            }
            let resp = req.send().await.expect("call zoom-sim");
            let status = resp.status();
            let text = resp.text().await.unwrap_or_default();
            assert!(status.is_success(), "{url}: {status} {text}");
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
        })
    }

    /// Creates a custom role; returns its id.
    pub fn create_role(&self, name: &str, privileges: &[&str]) -> String {
        let r = self.call(
            "POST",
            "/roles",
            Some(serde_json::json!({"name": name, "description": "", "privileges": privileges})),
        );
        r["id"].as_str().expect("role id").to_string()
    }

    /// Assigns users (ids) to a role of sub-account `account`, through the Master
    /// Account API.
    pub fn assign_in(&self, account: &str, role_id: &str, user_ids: &[&str]) {
        let members: Vec<_> = user_ids
            .iter()
            .map(|id| serde_json::json!({"id": id}))
            .collect();
        self.call(
            "POST",
            &format!("/accounts/{account}/roles/{role_id}/members"),
            Some(serde_json::json!({ "members": members })),
        );
    }

    /// Creates a custom role in sub-account `account`; returns its id.
    pub fn create_role_in(&self, account: &str, name: &str) -> String {
        let r = self.call(
            "POST",
            &format!("/accounts/{account}/roles"),
            Some(serde_json::json!({"name": name, "description": "", "privileges": ["User:Read"]})),
        );
        r["id"].as_str().expect("role id").to_string()
    }

    /// Assigns users (ids) to a role, 30 per call as Zoom requires.
    pub fn assign(&self, role_id: &str, user_ids: &[String]) {
        for chunk in user_ids.chunks(30) {
            let members: Vec<_> = chunk
                .iter()
                .map(|id| serde_json::json!({"id": id}))
                .collect();
            self.call(
                "POST",
                &format!("/roles/{role_id}/members"),
                Some(serde_json::json!({ "members": members })),
            );
        }
    }

    pub fn delete_role(&self, role_id: &str) {
        self.call("DELETE", &format!("/roles/{role_id}"), None);
    }

    pub fn update_role(&self, role_id: &str, patch: serde_json::Value) {
        self.call("PATCH", &format!("/roles/{role_id}"), Some(patch));
    }
}

/// Seeded user ids, `u00001` ..
pub fn user_id(i: usize) -> String {
    format!("u{i:05}")
}
