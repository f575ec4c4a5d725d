//! Simulator: unpaid accounts, rate limits (429 with both Retry-After forms, daily limit),
//! injected 5xx/429, dropped connections after the change, scripted faults, latency.

use std::time::{Duration, SystemTime};

use crate::support::start;
use reqwest::{Method, StatusCode};
use serde_json::json;
use terraform_provider_zoom::sim::{
    self, FaultKind, RateLimits, RetryAfterForm, ScriptedFault, SimConfig,
};

const ASSIGN: &str = "POST /roles/{roleId}/members";

#[tokio::test]
async fn unpaid_accounts_answer_200_with_code_and_change_nothing() {
    let sim = start(SimConfig::default().with_users(2)).await;
    let role = sim.create_role("Before").await;
    sim.handle
        .update_switches(|s| s.unpaid = true)
        .expect("switches");

    let create = sim.post("/roles", json!({"name": "Paid only"})).await;
    assert_eq!(create.status, StatusCode::OK);
    assert_eq!(create.code(), Some(200));
    assert_eq!(
        create.body["message"],
        "You do not have the permission to create a role."
    );
    let assign = sim
        .post(
            &format!("/roles/{role}/members"),
            json!({"members": [{"id": "u00001"}]}),
        )
        .await;
    assert_eq!((assign.status, assign.code()), (StatusCode::OK, Some(200)));
    let patch = sim
        .patch(&format!("/roles/{role}"), json!({"name": "After"}))
        .await;
    assert_eq!(patch.code(), Some(200));
    let delete = sim.delete(&format!("/roles/{role}")).await;
    assert_eq!(delete.code(), Some(200));

    // Reads still work and show nothing changed.
    let roles = sim.get("/roles").await;
    assert_eq!(roles.status, StatusCode::OK);
    assert_eq!(roles.body["total_records"], 4);
    let state = sim.handle.state();
    assert_eq!(state.role_of("u00001"), Some("2"));
    assert!(state.roles.iter().any(|r| r.role.name == "Before"));
}

#[tokio::test]
async fn per_second_limit_with_retry_after_seconds() {
    let sim = start(SimConfig::default().with_switches(|s| {
        s.rate_limits = RateLimits {
            light: Some(2),
            medium: Some(1),
        };
    }))
    .await;
    assert_eq!(sim.get("/roles/1").await.status, StatusCode::OK);
    assert_eq!(sim.get("/roles/2").await.status, StatusCode::OK);
    let limited = sim.get("/roles/0").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.code(), Some(429));
    assert_eq!(
        limited.body["message"],
        "You have reached the maximum per-second rate limit for this API. Try again later."
    );
    assert_eq!(limited.header("x-ratelimit-category"), Some("Light"));
    assert_eq!(limited.header("x-ratelimit-type"), Some("QPS"));
    assert_eq!(limited.header("x-ratelimit-limit"), Some("2"));
    assert_eq!(limited.header("retry-after"), Some("1"));
    // Categories are counted separately: Medium has its own window.
    let medium = sim.get("/roles").await;
    assert_eq!(medium.status, StatusCode::OK);
    let medium2 = sim.get("/roles/1/members").await;
    assert_eq!(medium2.header("x-ratelimit-category"), Some("Medium"));
    // The window resets after a second.
    tokio::time::sleep(Duration::from_millis(1050)).await;
    assert_eq!(sim.get("/roles/1").await.status, StatusCode::OK);
}

#[tokio::test]
async fn retry_after_as_http_date() {
    let sim = start(SimConfig::default().with_switches(|s| {
        s.rate_limits.light = Some(1);
        s.retry_after = RetryAfterForm::HttpDate;
    }))
    .await;
    sim.get("/roles/1").await;
    let limited = sim.get("/roles/1").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let value = limited.header("retry-after").expect("retry-after");
    let when = httpdate::parse_http_date(value).expect("an HTTP date");
    let now = SystemTime::now();
    assert!(
        when + Duration::from_secs(1) >= now,
        "{value} is not in the future"
    );
    assert!(when <= now + Duration::from_secs(3));

    sim.handle
        .update_switches(|s| s.retry_after = RetryAfterForm::Omit)
        .expect("switches");
    let bare = sim.get("/roles/1").await;
    assert_eq!(bare.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(bare.header("retry-after").is_none());
}

#[tokio::test]
async fn daily_limit() {
    let sim = start(SimConfig::default().with_switches(|s| s.daily_limit = Some(2))).await;
    assert_eq!(sim.get("/roles").await.status, StatusCode::OK);
    assert_eq!(sim.get("/roles").await.status, StatusCode::OK);
    let limited = sim.get("/roles/1").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("x-ratelimit-type"), Some("Daily-limit"));
    let message = limited.body["message"].as_str().expect("message");
    assert!(
        message.contains("daily") && message.contains("GMT 00:00:00"),
        "{message}"
    );
    let wait: u64 = limited
        .header("retry-after")
        .expect("retry-after")
        .parse()
        .expect("seconds");
    assert!((1..=86_400).contains(&wait));
    // Exhausted from the start.
    sim.handle
        .update_switches(|s| s.daily_limit = Some(0))
        .expect("switches");
    assert_eq!(
        sim.get("/roles").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn injected_errors_happen_before_any_change() {
    let sim = start(SimConfig::default().with_seed(7)).await;
    sim.handle
        .update_switches(|s| s.error_rate = 1.0)
        .expect("switches");
    let a = sim.post("/roles", json!({"name": "Never"})).await;
    assert!(a.status.is_server_error(), "{:?}", a.status);
    assert!(a.header("x-zm-trackingid").is_some());
    assert!(!sim
        .handle
        .state()
        .roles
        .iter()
        .any(|r| r.role.name == "Never"));

    sim.handle
        .update_switches(|s| {
            s.error_rate = 0.0;
            s.rate_limit_rate = 1.0;
        })
        .expect("switches");
    let b = sim.post("/roles", json!({"name": "Never"})).await;
    assert_eq!(b.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(b.header("x-ratelimit-type"), Some("QPS"));

    // Control routes are never faulted.
    let stats = sim.control(Method::GET, "/_sim/stats", None).await;
    assert_eq!(stats.status, StatusCode::OK);
}

#[tokio::test]
async fn faults_can_target_routes() {
    let sim = start(SimConfig::default().with_users(2)).await;
    let role = sim.create_role("R").await;
    sim.handle
        .update_switches(|s| {
            s.error_rate = 1.0;
            s.fault_routes = vec![ASSIGN.into()];
        })
        .expect("switches");
    assert_eq!(sim.get("/roles").await.status, StatusCode::OK);
    let a = sim
        .post(
            &format!("/roles/{role}/members"),
            json!({"members": [{"id": "u00001"}]}),
        )
        .await;
    assert!(a.status.is_server_error());
    // The token endpoint is faulted only when listed.
    crate::support::fetch_token(&sim.http, &sim.handle).await;
    sim.handle
        .update_switches(|s| s.fault_routes = vec!["POST /oauth/token".into()])
        .expect("switches");
    let t = crate::support::answer(
        sim.http
            .post(sim.handle.token_url())
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert!(t.status.is_server_error());
}

#[tokio::test]
async fn dropped_connections_lose_the_answer_not_the_change() {
    let sim = start(SimConfig::default().with_users(2).with_switches(|s| {
        s.drop_rate = 1.0;
        s.fault_routes = vec![ASSIGN.into()];
    }))
    .await;
    let role = sim.create_role("R").await;
    let err = sim
        .http
        .post(format!("{}/roles/{role}/members", sim.handle.api_url()))
        .bearer_auth(&sim.token)
        .json(&json!({"members": [{"id": "u00001"}]}))
        .send()
        .await
        .expect_err("the connection is dropped");
    assert!(!err.is_status(), "{err}");
    assert_eq!(sim.handle.state().role_of("u00001"), Some(role.as_str()));
    let stats = sim.handle.stats();
    assert_eq!(stats.dropped.get(ASSIGN), Some(&1));
    assert_eq!(stats.count_status(ASSIGN, 201), 1);
    let entry = sim
        .handle
        .log()
        .into_iter()
        .find(|e| e.route == ASSIGN)
        .expect("logged");
    assert!(entry.dropped);
    assert_eq!(entry.status, 201);
    // Other routes are unaffected and the client recovers on a new connection.
    assert_eq!(
        sim.get("/users/u00001").await.body["role_id"],
        role.as_str()
    );
}

#[tokio::test]
async fn scripted_faults_fire_in_order() {
    let sim = start(SimConfig::default().with_users(2)).await;
    sim.handle.push_fault(ScriptedFault {
        route: "POST /roles".into(),
        kind: FaultKind::Drop,
        count: 1,
    });
    sim.handle.push_fault(ScriptedFault {
        route: "*".into(),
        kind: FaultKind::Error,
        count: 2,
    });
    // Error faults act before the handler, so they fire first; the drop waits for a
    // request that reaches the handler.
    let first = sim.post("/roles", json!({"name": "Lost answer"})).await;
    assert_eq!(first.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        sim.get("/roles").await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let lost = sim
        .http
        .post(format!("{}/roles", sim.handle.api_url()))
        .bearer_auth(&sim.token)
        .json(&json!({"name": "Lost answer"}))
        .send()
        .await;
    assert!(lost.is_err());
    assert!(sim
        .handle
        .state()
        .roles
        .iter()
        .any(|r| r.role.name == "Lost answer"));
    let retry = sim.post("/roles", json!({"name": "Lost answer"})).await;
    assert_eq!(retry.code(), Some(1224), "a blind retry hits the duplicate");

    let added = sim
        .control(
            Method::POST,
            "/_sim/faults",
            Some(json!({"route": "GET /roles", "kind": "invalid_token"})),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED);
    assert_eq!(sim.get("/roles").await.code(), Some(124));
    assert_eq!(sim.get("/roles").await.status, StatusCode::OK);
    for kind in ["rate_limit", "daily_limit"] {
        sim.control(
            Method::POST,
            "/_sim/faults",
            Some(json!([{"route": "GET /roles", "kind": kind}])),
        )
        .await;
        let a = sim.get("/roles").await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{kind}");
    }
    let left = sim.control(Method::GET, "/_sim/faults", None).await;
    assert_eq!(left.body, json!([]));
}

/// Checked by order, not by a stopwatch: with an hour of latency an API call is still
/// waiting (and unrecorded) after the control API has answered three times.
#[tokio::test]
async fn latency_is_added_to_api_calls_only() {
    // The token endpoint has latency too: take the token first.
    let sim = start(SimConfig::default()).await;
    sim.handle
        .update_switches(|s| {
            s.latency_min_ms = 3_600_000;
            s.latency_max_ms = 3_600_000;
        })
        .unwrap();
    let url = format!("{}/roles", sim.handle.api_url());
    let held = tokio::spawn(sim.http.get(url).bearer_auth(&sim.token).send());
    for _ in 0..3 {
        let stats = sim.control(Method::GET, "/_sim/stats", None).await;
        assert_eq!(stats.status, StatusCode::OK);
        assert_eq!(
            stats.body["by_route"].get("GET /roles"),
            None,
            "{:?}",
            stats.body
        );
        tokio::task::yield_now().await;
    }
    assert!(
        !held.is_finished(),
        "the API call did not wait out its latency"
    );
    held.abort();

    // Without latency the same call is answered and counted.
    sim.handle
        .update_switches(|s| {
            s.latency_min_ms = 0;
            s.latency_max_ms = 0;
        })
        .unwrap();
    assert_eq!(sim.get("/roles").await.status, StatusCode::OK);
    assert_eq!(sim.handle.stats().count("GET /roles"), 1);
}

#[tokio::test]
async fn a_seed_makes_ids_reproducible() {
    let mut ids = Vec::new();
    for _ in 0..2 {
        let sim = start(SimConfig::default().with_seed(42)).await;
        ids.push(sim.create_role("Same").await);
    }
    assert_eq!(ids[0], ids[1]);
    let other = start(SimConfig::default().with_seed(43)).await;
    assert_ne!(other.create_role("Same").await, ids[0]);
}

#[tokio::test]
async fn only_loopback_addresses_are_accepted() {
    let config = SimConfig {
        listen: "0.0.0.0:0".parse().expect("addr"),
        ..SimConfig::default()
    };
    assert!(sim::spawn(config).await.is_err());
}
