//! Simulator: `GET /v2/users` (List users): pagination with opaque page tokens over 1,000
//! users, the `status` filter, `role_id` in every user, and the gate (scopes, Medium rate
//! limit, faults, stats, log) applied to route `GET /users`.

use std::collections::HashSet;

use crate::support::start;
use reqwest::StatusCode;
use serde_json::Value;
use terraform_provider_zoom::sim::{FaultKind, RateLimits, ScriptedFault, SimConfig, UserSeed};

const ROUTE: &str = "GET /users";

/// Walk every page of `GET /users?{query}`; answer (users in order, page sizes, tokens).
async fn walk(sim: &crate::support::Sim, query: &str) -> (Vec<Value>, Vec<u64>, Vec<String>) {
    let mut users = Vec::new();
    let mut sizes = Vec::new();
    let mut tokens = Vec::new();
    let mut token = String::new();
    loop {
        let mut path = format!("/users?{query}");
        if !token.is_empty() {
            path.push_str(&format!("&next_page_token={token}"));
        }
        let a = sim.get(&path).await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
        sizes.push(a.body["page_size"].as_u64().expect("page_size"));
        let page = a.body["users"].as_array().expect("users");
        users.extend(page.iter().cloned());
        token = a.body["next_page_token"]
            .as_str()
            .expect("next_page_token is a string")
            .to_string();
        if token.is_empty() {
            assert!(!page.is_empty(), "the last page is not empty");
            break;
        }
        tokens.push(token.clone());
    }
    (users, sizes, tokens)
}

fn ids(users: &[Value]) -> Vec<String> {
    users
        .iter()
        .map(|u| u["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn pagination_over_a_thousand_users() {
    // The owner plus 999 members: 1,000 active users.
    let sim = start(SimConfig::default().with_users(999).with_seed(1)).await;
    sim.assign("1", &["u00007", "u00500"]).await;

    // Default page size 30: 34 pages.
    let first = sim.get("/users").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body["page_size"], 30);
    assert_eq!(first.body["page_count"], 34);
    assert_eq!(first.body["page_number"], 1);
    assert_eq!(first.body["total_records"], 1000);
    assert_eq!(first.body["users"].as_array().map(Vec::len), Some(30));
    let u = &first.body["users"][1];
    for field in [
        "id",
        "email",
        "first_name",
        "last_name",
        "type",
        "status",
        "role_id",
        "dept",
    ] {
        assert!(u.get(field).is_some(), "user lacks {field}: {u}");
    }
    assert_eq!(u["status"], "active");
    let (users, sizes, _) = walk(&sim, "").await;
    assert_eq!((users.len(), sizes.len()), (1000, 34));

    // page_size 300: 4 pages (300, 300, 300, 100), every user once, each with a role id.
    let (users, sizes, tokens) = walk(&sim, "page_size=300").await;
    assert_eq!((users.len(), sizes, tokens.len()), (1000, vec![300; 4], 3));
    let unique: HashSet<String> = ids(&users).into_iter().collect();
    assert_eq!(unique.len(), 1000);
    assert!(unique.contains("u00000") && unique.contains("u00999"));
    let state = sim.handle.state();
    for u in &users {
        let id = u["id"].as_str().expect("id");
        let role = u["role_id"].as_str().expect("role_id is a string");
        assert_eq!(Some(role), state.role_of(id), "role_id of {id}");
    }
    assert_eq!(users[0]["role_id"], "0", "the owner");
    assert_eq!(users[7]["role_id"], "1", "assigned to Admin");
    assert_eq!(users[500]["role_id"], "1");
    assert_eq!(users[8]["role_id"], "2");

    // Above 300 is clamped to 300; 0 or negative means 30; non-numeric is code 300.
    let clamped = sim.get("/users?page_size=1000").await;
    assert_eq!(clamped.body["page_size"], 300);
    assert_eq!(clamped.body["page_count"], 4);
    assert_eq!(clamped.body["users"].as_array().map(Vec::len), Some(300));
    assert_eq!(sim.get("/users?page_size=0").await.body["page_size"], 30);
    assert_eq!(sim.get("/users?page_size=-5").await.body["page_size"], 30);
    let bad = sim.get("/users?page_size=lots").await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::BAD_REQUEST, Some(300))
    );
}

#[tokio::test]
async fn page_tokens_chain_and_the_last_page_has_an_empty_token() {
    let sim = start(SimConfig::default().with_users(999).with_seed(2)).await;
    let p1 = sim.get("/users?page_size=300").await;
    let t1 = p1.body["next_page_token"].as_str().expect("token");
    assert_eq!(t1.len(), 32, "opaque 32-character token: {t1}");
    assert!(t1.chars().all(|c| c.is_ascii_alphanumeric()), "{t1}");
    assert_eq!(p1.body["users"][299]["id"], "u00299");

    let p2 = sim
        .get(&format!("/users?page_size=300&next_page_token={t1}"))
        .await;
    assert_eq!(p2.status, StatusCode::OK, "{:?}", p2.body);
    assert_eq!(p2.body["page_number"], 2);
    assert_eq!(p2.body["users"][0]["id"], "u00300");
    let t2 = p2.body["next_page_token"].as_str().expect("token");
    assert!(!t2.is_empty() && t2 != t1);

    // A token can be used again while it lives (same page).
    let again = sim
        .get(&format!("/users?page_size=300&next_page_token={t1}"))
        .await;
    assert_eq!(again.body["users"][0]["id"], "u00300");

    let p3 = sim
        .get(&format!("/users?page_size=300&next_page_token={t2}"))
        .await;
    assert_eq!(p3.body["page_number"], 3);
    let t3 = p3.body["next_page_token"].as_str().expect("token");
    let p4 = sim
        .get(&format!("/users?page_size=300&next_page_token={t3}"))
        .await;
    assert_eq!(p4.body["page_number"], 4);
    assert_eq!(p4.body["users"].as_array().map(Vec::len), Some(100));
    assert_eq!(p4.body["users"][99]["id"], "u00999");
    assert_eq!(p4.body["next_page_token"], "", "empty on the last page");

    // Exactly one page: empty token straight away.
    let one = sim.get("/users?page_size=300&status=pending").await;
    assert_eq!(one.body["total_records"], 0);
    assert_eq!(one.body["next_page_token"], "");
    assert_eq!(one.body["users"], Value::Array(Vec::new()));

    // The deprecated page_number works without a token.
    let p3n = sim.get("/users?page_size=300&page_number=3").await;
    assert_eq!(p3n.body["users"][0]["id"], "u00600");
}

#[tokio::test]
async fn invalid_page_tokens_answer_code_300() {
    let sim = start(SimConfig::default().with_users(100).with_seed(3)).await;
    let invalid = sim.get("/users?next_page_token=bogus").await;
    assert_eq!(
        (invalid.status, invalid.code()),
        (StatusCode::BAD_REQUEST, Some(300))
    );
    assert_eq!(
        invalid.body["message"],
        "The next page token is either invalid or expired."
    );

    // A token from a role's member listing is not valid for users, nor the reverse.
    let role = sim.create_role("R").await;
    let refs: Vec<String> = (1..=40).map(|i| format!("u{i:05}")).collect();
    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
    sim.assign(&role, &refs[..30]).await;
    sim.assign(&role, &refs[30..]).await;
    let members = sim.get(&format!("/roles/{role}/members")).await;
    let member_token = members.body["next_page_token"].as_str().expect("token");
    assert!(!member_token.is_empty());
    let cross = sim
        .get(&format!("/users?next_page_token={member_token}"))
        .await;
    assert_eq!(cross.code(), Some(300));
    let users = sim.get("/users").await;
    let user_token = users.body["next_page_token"].as_str().expect("token");
    let cross = sim
        .get(&format!(
            "/roles/{role}/members?next_page_token={user_token}"
        ))
        .await;
    assert_eq!(cross.code(), Some(300));

    // A token belongs to its status filter.
    let other = sim
        .get(&format!(
            "/users?status=inactive&next_page_token={user_token}"
        ))
        .await;
    assert_eq!(other.code(), Some(300));
    let same = sim
        .get(&format!(
            "/users?status=active&next_page_token={user_token}"
        ))
        .await;
    assert_eq!(same.status, StatusCode::OK, "{:?}", same.body);
}

#[tokio::test]
async fn status_filter_defaults_to_active() {
    let sim = start(SimConfig::default().with_users(5).with_seed(4)).await;
    let extra = |id: &str, status: &str| UserSeed {
        id: id.into(),
        email: format!("{id}@example.com"),
        status: Some(status.into()),
        ..UserSeed::default()
    };
    sim.handle
        .add_users(vec![
            extra("p1", "pending"),
            extra("i1", "inactive"),
            extra("i2", "inactive"),
        ])
        .expect("add users");
    assert!(
        sim.handle
            .add_users(vec![extra("x1", "suspended")])
            .is_err(),
        "unknown statuses are refused"
    );

    let default = sim.get("/users").await;
    assert_eq!(default.body["total_records"], 6, "seeded users are active");
    assert!(default.body["users"]
        .as_array()
        .expect("users")
        .iter()
        .all(|u| u["status"] == "active"));
    assert_eq!(
        sim.get("/users?status=active").await.body["total_records"],
        6
    );
    let pending = sim.get("/users?status=pending").await;
    assert_eq!(ids(pending.body["users"].as_array().unwrap()), vec!["p1"]);
    assert_eq!(pending.body["users"][0]["role_id"], "2");
    let inactive = sim.get("/users?status=inactive").await;
    assert_eq!(
        ids(inactive.body["users"].as_array().unwrap()),
        vec!["i1", "i2"]
    );
    let bad = sim.get("/users?status=everyone").await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::BAD_REQUEST, Some(300))
    );

    // A status change moves the user between listings.
    sim.handle
        .set_user_status("p1", "active")
        .expect("activate");
    assert_eq!(sim.get("/users").await.body["total_records"], 7);
    assert_eq!(
        sim.get("/users?status=pending").await.body["total_records"],
        0
    );
}

#[tokio::test]
async fn the_gate_applies_to_list_users() {
    let sim = start(SimConfig::default().with_users(10).with_seed(5)).await;
    sim.handle.reset_stats();
    sim.get("/users").await;
    sim.get("/users?page_size=5").await;
    let stats = sim.handle.stats();
    assert_eq!(stats.count(ROUTE), 2);
    assert_eq!(stats.count_status(ROUTE, 200), 2);
    assert_eq!(stats.count("GET /users/{userId}"), 0);
    let log = sim.handle.log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].route, ROUTE);
    assert_eq!(log[1].query.as_deref(), Some("page_size=5"));
    // Without a token: 124.
    let anon = sim
        .call_with("nope", reqwest::Method::GET, "/users", None)
        .await;
    assert_eq!(anon.code(), Some(124));
    // Wrong method on the path: 2300 / 405.
    let post = sim.post("/users", serde_json::json!({})).await;
    assert_eq!(
        (post.status, post.code()),
        (StatusCode::METHOD_NOT_ALLOWED, Some(2300))
    );

    // Scripted faults by route key.
    sim.handle.push_fault(ScriptedFault {
        route: ROUTE.into(),
        kind: FaultKind::Error,
        count: 1,
    });
    assert_eq!(
        sim.get("/users").await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(sim.get("/users").await.status, StatusCode::OK);

    // Medium category: limited with the other Medium routes, not with Light ones.
    sim.handle
        .update_switches(|s| {
            s.rate_limits = RateLimits {
                light: None,
                medium: Some(1),
            }
        })
        .expect("switches");
    // Fill this second's Medium window, then expect a Medium 429 (retry until both land in
    // one window, in case the first crossed a second boundary).
    let mut limited = None;
    for _ in 0..5 {
        sim.get("/roles").await;
        let a = sim.get("/users").await;
        if a.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(a);
            break;
        }
    }
    let limited = limited.expect("a per-second 429 on GET /users");
    assert_eq!(limited.code(), Some(429));
    assert_eq!(limited.header("x-ratelimit-category"), Some("Medium"));
    assert_eq!(limited.header("x-ratelimit-type"), Some("QPS"));
    // A Light route is not affected by the Medium limit.
    assert_eq!(sim.get("/users/u00001").await.status, StatusCode::OK);
}

#[tokio::test]
async fn list_users_needs_a_user_read_scope() {
    let granular = start(SimConfig::default().with_users(3).with_switches(|s| {
        s.scopes = Some(vec![
            "role:read:list_roles:admin".into(),
            "user:read:user:admin".into(),
        ]);
    }))
    .await;
    let a = granular.get("/users").await;
    assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, Some(4711)));
    assert_eq!(
        a.body["message"],
        "Invalid access token, does not contain scopes:[user:read:list_users:admin]."
    );
    let ok = start(SimConfig::default().with_users(3).with_switches(|s| {
        s.scopes = Some(vec!["user:read:list_users:admin".into()]);
    }))
    .await;
    assert_eq!(ok.get("/users").await.status, StatusCode::OK);

    let classic = start(SimConfig::default().with_users(3).with_switches(|s| {
        s.scopes = Some(vec!["role:read:admin".into()]);
    }))
    .await;
    let a = classic.get("/users").await;
    assert_eq!(a.code(), Some(4700));
    assert_eq!(
        a.body["message"],
        "Invalid access token, does not contain scopes:[user:read:admin]."
    );
    let ok = start(SimConfig::default().with_users(3).with_switches(|s| {
        s.scopes = Some(vec!["user:read:admin".into()]);
    }))
    .await;
    assert_eq!(ok.get("/users").await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_empty_role_id_in_a_seed_means_member() {
    let sim = start(SimConfig::default().with_users(1)).await;
    sim.handle
        .add_users(vec![UserSeed {
            id: "m1".into(),
            email: "m1@example.com".into(),
            role_id: Some(String::new()),
            ..UserSeed::default()
        }])
        .expect("an empty role_id is accepted");
    assert_eq!(sim.handle.state().role_of("m1"), Some("2"), "Member");
}
