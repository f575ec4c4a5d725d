//! Shared setup for the client integration tests: a simulator and a client wired to it.
#![allow(dead_code)]

use std::time::Duration;

use terraform_provider_zoom::sim::{self, SimConfig, SimHandle};
use terraform_provider_zoom::zoom::{Auth, ClientConfig, RateLimits, Secret, ZoomClient};

/// Credentials the simulator accepts by default.
pub const ACCOUNT: &str = "sim-account";
pub const CLIENT_ID: &str = "sim-client";
pub const CLIENT_SECRET: &str = "sim-secret";

pub async fn start(cfg: SimConfig) -> SimHandle {
    sim::spawn(cfg).await.expect("simulator starts")
}

/// Client credentials against `sim`, quick backoff, no client-side rate limits.
pub fn config(sim: &SimHandle) -> ClientConfig {
    let mut cfg = ClientConfig::new(Auth::ClientCredentials {
        account_id: ACCOUNT.into(),
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(CLIENT_SECRET),
        token_url: sim.token_url().parse().unwrap(),
    });
    cfg.api_url = sim.api_url().parse().unwrap();
    cfg.request_timeout = Duration::from_secs(10);
    cfg.retry_budget = Duration::from_secs(30);
    cfg.backoff_initial = Duration::from_millis(10);
    cfg.backoff_max = Duration::from_millis(200);
    cfg.rate_limits = RateLimits::unlimited();
    cfg
}

pub fn client(sim: &SimHandle) -> ZoomClient {
    ZoomClient::new(config(sim)).expect("client builds")
}

/// Users `u00001..=u{n}` as `MemberRef::Id`.
pub fn ids(
    range: std::ops::RangeInclusive<usize>,
) -> Vec<terraform_provider_zoom::zoom::MemberRef> {
    range
        .map(|i| terraform_provider_zoom::zoom::MemberRef::Id(format!("u{i:05}")))
        .collect()
}
