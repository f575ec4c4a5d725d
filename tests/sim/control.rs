//! Simulator: the `/_sim` control API (stats, log, state, config, faults, users, tokens).

use crate::support::start;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use terraform_provider_zoom::sim::{LogEntry, SimConfig, Stats, Switches};

const UNASSIGN: &str = "DELETE /roles/{roleId}/members/{memberId}";

#[tokio::test]
async fn stats_count_routes_and_statuses() {
    let sim = start(SimConfig::default().with_users(2)).await;
    let role = sim.create_role("R").await;
    sim.get("/roles").await;
    sim.get("/roles").await;
    sim.get("/roles/nope").await;
    sim.assign(&role, &["u00001"]).await;
    sim.get(&format!("/roles/{role}/members")).await;

    let a = sim.control(Method::GET, "/_sim/stats", None).await;
    assert_eq!(a.status, StatusCode::OK);
    let stats: Stats = serde_json::from_value(a.body).expect("stats");
    // The token request from `start` counts too.
    assert_eq!(stats.count("POST /oauth/token"), 1);
    assert_eq!(stats.count("GET /roles"), 2);
    assert_eq!(stats.count_status("GET /roles/{roleId}", 400), 1);
    assert_eq!(stats.count_status("POST /roles", 201), 1);
    assert_eq!(stats.count("POST /roles/{roleId}/members"), 1);
    assert_eq!(stats.count("GET /roles/{roleId}/members"), 1);
    assert_eq!(stats.total, 7);
    assert_eq!(stats.by_status.get("200"), Some(&4));
    assert_eq!(stats.by_status.get("400"), Some(&1));
    assert_eq!(stats, sim.handle.stats());

    let reset = sim.control(Method::POST, "/_sim/stats/reset", None).await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);
    assert_eq!(sim.handle.stats().total, 0);
    assert!(sim.handle.log().is_empty());
}

#[tokio::test]
async fn the_log_shows_what_happened_in_order() {
    let sim = start(SimConfig::default().with_users(2)).await;
    let role = sim.create_role("R").await;
    sim.assign(&role, &["u00001"]).await;
    sim.handle.reset_stats();

    sim.assign(&role, &["u00002"]).await;
    sim.get("/users/u00002?x=1").await;
    let a = sim.control(Method::GET, "/_sim/log", None).await;
    let log: Vec<LogEntry> = serde_json::from_value(a.body).expect("log");
    let routes: Vec<&str> = log.iter().map(|e| e.route.as_str()).collect();
    assert_eq!(
        routes,
        ["POST /roles/{roleId}/members", "GET /users/{userId}"]
    );
    assert!(
        log.iter().all(|e| e.route != UNASSIGN),
        "no unassign happened"
    );
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, format!("/v2/roles/{role}/members"));
    assert_eq!(log[0].status, 201);
    assert_eq!(log[1].query.as_deref(), Some("x=1"));
    assert!(log[0].seq < log[1].seq);
    assert!(log[0].tracking_id.starts_with("v=2.0;"));

    let since = sim
        .control(
            Method::GET,
            &format!("/_sim/log?since={}", log[0].seq),
            None,
        )
        .await;
    assert_eq!(since.body.as_array().map(Vec::len), Some(1));
    // Control calls are not logged.
    assert_eq!(sim.handle.log().len(), 2);
}

#[tokio::test]
async fn state_dump_lists_roles_members_and_users() {
    let sim = start(SimConfig::default().with_users(3)).await;
    let role = sim.create_role("R").await;
    sim.assign(&role, &["u00002"]).await;
    let a = sim.control(Method::GET, "/_sim/state", None).await;
    assert_eq!(a.status, StatusCode::OK);
    let roles = a.body["roles"].as_array().expect("roles");
    let custom = roles
        .iter()
        .find(|r| r["id"] == role.as_str())
        .expect("role");
    assert_eq!(custom["members"], json!(["u00002"]));
    assert_eq!(custom["name"], "R");
    let owner = roles.iter().find(|r| r["id"] == "0").expect("owner");
    assert_eq!(owner["members"], json!(["u00000"]));
    let users = a.body["users"].as_array().expect("users");
    assert_eq!(users.len(), 4);
    let u2 = users.iter().find(|u| u["id"] == "u00002").expect("u2");
    assert_eq!(u2["role_id"], role.as_str());
}

#[tokio::test]
async fn config_reads_and_changes_switches() {
    let sim = start(SimConfig::default()).await;
    let a = sim.control(Method::GET, "/_sim/config", None).await;
    let current: Switches = serde_json::from_value(a.body).expect("switches");
    assert_eq!(current, Switches::default());

    let b = sim
        .control(
            Method::POST,
            "/_sim/config",
            Some(json!({
                "plan": "free",
                "latency_ms": "1-3",
                "token_lifetime_secs": 0.5,
                "unpaid": true,
                "retry_after": "http_date",
                "scopes": ["role:read:admin"]
            })),
        )
        .await;
    assert_eq!(b.status, StatusCode::OK);
    let s = sim.handle.switches();
    assert_eq!(s.rate_limits.light, Some(4));
    assert_eq!(s.rate_limits.medium, Some(2));
    assert_eq!((s.latency_min_ms, s.latency_max_ms), (1, 3));
    assert_eq!(s.token_lifetime_ms, 500);
    assert!(s.unpaid);
    assert_eq!(b.body["unpaid"], Value::Bool(true));

    for bad in [
        json!({"no_such_switch": 1}),
        json!({"drop_rate": 3.0}),
        json!({"plan": "gold"}),
        json!({"latency_ms": "9-1"}),
        json!([1, 2]),
    ] {
        let r = sim
            .control(Method::POST, "/_sim/config", Some(bad.clone()))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.body["error"].is_string());
    }
    // Nothing changed by the refused updates.
    assert_eq!(sim.handle.switches(), s);
    assert!(sim.handle.update_switches(|s| s.error_rate = -1.0).is_err());
}

#[tokio::test]
async fn users_and_tokens_can_be_added() {
    let sim = start(SimConfig::default().with_users(0)).await;
    let a = sim
        .control(
            Method::POST,
            "/_sim/users",
            Some(
                json!([{"id": "abc", "email": "Alice@Example.com", "first_name": "Alice",
                         "last_name": "A", "role_id": "1"}]),
            ),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED);
    let dup = sim
        .control(
            Method::POST,
            "/_sim/users",
            Some(json!([{"id": "abd", "email": "alice@example.com"}])),
        )
        .await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    let bad_role = sim
        .control(
            Method::POST,
            "/_sim/users",
            Some(json!([{"id": "x", "email": "x@example.com", "role_id": "nope"}])),
        )
        .await;
    assert_eq!(bad_role.status, StatusCode::BAD_REQUEST);

    let t = sim.control(Method::POST, "/_sim/tokens", None).await;
    let token = t.body["access_token"].as_str().expect("token");
    let user = sim
        .call_with(token, Method::GET, "/users/alice@example.com", None)
        .await;
    assert_eq!(user.body["role_name"], "Admin");
    assert_eq!(user.body["first_name"], "Alice");
    let direct = sim.handle.issue_token();
    let ok = sim.call_with(&direct, Method::GET, "/roles", None).await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[tokio::test]
async fn handles_shut_down() {
    let sim = start(SimConfig::default()).await;
    let url = sim.handle.api_url();
    let http = sim.http.clone();
    sim.handle.shutdown().await;
    let after = http.get(format!("{url}/roles")).send().await;
    assert!(after.is_err());
}

#[test]
fn a_simulator_can_run_on_its_own_thread() {
    let handle =
        terraform_provider_zoom::sim::spawn_in_thread(SimConfig::default()).expect("spawn");
    let url = handle.token_url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = runtime.block_on(async {
        crate::support::client()
            .post(url)
            .query(&[
                ("grant_type", "account_credentials"),
                ("account_id", "sim-account"),
            ])
            .header(
                "authorization",
                crate::support::basic("sim-client", "sim-secret"),
            )
            .send()
            .await
            .map(|r| r.status())
    });
    assert_eq!(status.ok(), Some(StatusCode::OK));
    drop(handle);
}
