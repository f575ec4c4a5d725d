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

    /// Requests to a route key such as `"DELETE /roles/{roleId}/members/{memberId}"`.
    pub fn count(&self, route: &str) -> u64 {
        self.sim.stats().count(route)
    }

    pub fn reset_stats(&self) {
        self.sim.reset_stats();
    }
}
