//! Simulator: the `/_sim` control API (stats, log, state, config, faults, holds, users,
//! tokens).

use crate::support::start;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use terraform_provider_zoom::sim::{HoldRule, HoldStatus, LogEntry, SimConfig, Stats, Switches};

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

/// Polls `cond` on the hold status until it holds (bounded: a guard against hanging, not
/// a timing assertion).
async fn until_holds(sim: &crate::support::Sim, what: &str, cond: impl Fn(&HoldStatus) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let a = sim.control(Method::GET, "/_sim/holds", None).await;
        let status: HoldStatus = serde_json::from_value(a.body).expect("hold status");
        if cond(&status) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{what}: {status:?}");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_held_request_waits_for_its_release_before_the_handler_runs() {
    let sim = start(SimConfig::default().with_users(2)).await;
    let a = sim
        .control(
            Method::POST,
            "/_sim/holds",
            Some(json!({"route": "POST /roles", "count": 1})),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(a.body["rules"][0]["route"], "POST /roles");
    let create = {
        let (http, token, url) = (
            sim.http.clone(),
            sim.token.clone(),
            sim.handle.api_url() + "/roles",
        );
        tokio::spawn(async move {
            http.post(url)
                .bearer_auth(token)
                .json(&json!({"name": "Held", "privileges": []}))
                .send()
                .await
                .map(|r| r.status())
        })
    };
    until_holds(&sim, "the create arrives", |s| s.waiting == 1).await;
    // Held before the handler: nothing created, nothing answered, nothing logged yet.
    assert!(sim
        .handle
        .state()
        .roles
        .iter()
        .all(|r| r.role.name != "Held"));
    assert_eq!(sim.handle.stats().count("POST /roles"), 0);
    assert!(!create.is_finished());
    // Other routes (and this one, once the rule is used up) are not held.
    assert_eq!(sim.get("/roles").await.status, StatusCode::OK);

    let released = sim.control(Method::POST, "/_sim/holds/release", None).await;
    assert_eq!(released.status, StatusCode::OK);
    assert_eq!(create.await.unwrap().unwrap(), StatusCode::CREATED);
    let status = sim.handle.holds();
    assert_eq!(
        (
            status.held,
            status.waiting,
            status.released,
            status.abandoned
        ),
        (1, 0, 1, 0)
    );
    assert!(status.rules.is_empty(), "the rule was used up");
    assert_eq!(sim.handle.stats().count_status("POST /roles", 201), 1);
    assert_eq!(sim.create_role("Not held").await.len(), 22);
}

#[tokio::test]
async fn a_held_request_whose_client_goes_away_is_abandoned_and_never_handled() {
    let sim = start(SimConfig::default().with_users(2)).await;
    sim.handle.hold(HoldRule {
        route: "GET /roles/{roleId}/members".into(),
        query_contains: Some("next_page_token=".into()),
        count: 1,
    });
    let role = sim.create_role("Paged").await;
    sim.assign(&role, &["u00001", "u00002"]).await;
    // Page 1 has no token: not held.
    let page1 = sim.get(&format!("/roles/{role}/members?page_size=1")).await;
    assert_eq!(page1.status, StatusCode::OK);
    let token = page1.body["next_page_token"].as_str().unwrap().to_string();
    let page2 = {
        let (http, bearer) = (sim.http.clone(), sim.token.clone());
        let url = format!(
            "{}/roles/{role}/members?page_size=1&next_page_token={token}",
            sim.handle.api_url()
        );
        tokio::spawn(async move { http.get(url).bearer_auth(bearer).send().await })
    };
    until_holds(&sim, "page 2 arrives", |s| s.waiting == 1).await;
    // The client gives up: its connection closes while the request is held.
    page2.abort();
    until_holds(&sim, "the sim sees the client leave", |s| s.abandoned == 1).await;
    sim.handle.release_holds();
    let status = sim.handle.holds();
    assert_eq!(
        (
            status.held,
            status.waiting,
            status.released,
            status.abandoned
        ),
        (1, 0, 0, 1)
    );
    // Never handled: only page 1 is in the log.
    assert_eq!(sim.handle.stats().count("GET /roles/{roleId}/members"), 1);
}
