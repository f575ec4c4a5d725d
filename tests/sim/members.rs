//! Simulator: role members (assign, list with pagination, unassign), users, the
//! one-role-per-user rule and Owner/Member restrictions.

use std::collections::HashSet;

use crate::support::start;
use reqwest::StatusCode;
use serde_json::{json, Value};
use terraform_provider_zoom::sim::SimConfig;

#[tokio::test]
async fn assign_by_id_and_email_answers_ids() {
    let sim = start(SimConfig::default().with_users(5)).await;
    let role = sim.create_role("Helpdesk").await;
    let a = sim
        .post(
            &format!("/roles/{role}/members"),
            json!({"members": [
                {"id": "u00001"},
                {"email": "USER2@Example.com"},
                {"id": "u00003", "email": "user4@example.com"}
            ]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert_eq!(a.body["ids"], "u00001,u00002,u00003");
    let add_at = a.body["add_at"].as_str().expect("add_at");
    assert!(add_at.ends_with('Z') && add_at.len() == 20, "{add_at}");
    let state = sim.handle.state();
    assert_eq!(state.role_of("u00004"), Some("2"), "id wins over email");
    assert_eq!(state.members_of(&role).map(<[String]>::len), Some(3));

    // Assigning someone already in the role is fine.
    sim.assign(&role, &["u00001"]).await;
    assert_eq!(
        sim.handle.state().members_of(&role).map(<[String]>::len),
        Some(3)
    );
}

#[tokio::test]
async fn a_user_holds_exactly_one_role() {
    let sim = start(SimConfig::default().with_users(2)).await;
    let a = sim.create_role("A").await;
    let b = sim.create_role("B").await;
    sim.assign(&a, &["u00001"]).await;
    sim.assign(&b, &["u00001"]).await;
    let la = sim.get(&format!("/roles/{a}/members")).await;
    assert_eq!(la.body["total_records"], 0);
    let lb = sim.get(&format!("/roles/{b}/members")).await;
    assert_eq!(lb.body["total_records"], 1);
    assert_eq!(lb.body["members"][0]["id"], "u00001");
    assert_eq!(lb.body["members"][0]["email"], "user1@example.com");

    // Admin is a role like the others for membership.
    sim.assign("1", &["u00001"]).await;
    let user = sim.get("/users/u00001").await;
    assert_eq!(user.body["role_id"], "1");
    assert_eq!(user.body["role_name"], "Admin");
    let roles = sim.get("/roles").await;
    let counts: Vec<(String, u64)> = roles.body["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap_or_default().to_string(),
                r["total_members"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert!(counts.contains(&("B".into(), 0)));
    assert!(counts.contains(&("Admin".into(), 1)));
}

#[tokio::test]
async fn assign_errors() {
    let sim = start(SimConfig::default().with_users(40)).await;
    let role = sim.create_role("R").await;
    let path = format!("/roles/{role}/members");

    let unknown = sim
        .post(
            &path,
            json!({"members": [{"id": "u00001"}, {"id": "ghost"}]}),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, Some(1001))
    );
    assert_eq!(unknown.body["message"], "User does not exist: ghost.");
    // All or nothing: u00001 was not moved.
    assert_eq!(sim.handle.state().role_of("u00001"), Some("2"));

    let by_email = sim
        .post(&path, json!({"members": [{"email": "nobody@example.com"}]}))
        .await;
    assert_eq!(by_email.code(), Some(1001));

    let many: Vec<Value> = (1..=31)
        .map(|i| json!({"id": format!("u{i:05}")}))
        .collect();
    let too_many = sim.post(&path, json!({"members": many})).await;
    assert_eq!(
        (too_many.status, too_many.code()),
        (StatusCode::BAD_REQUEST, Some(300))
    );
    let thirty: Vec<Value> = (1..=30)
        .map(|i| json!({"id": format!("u{i:05}")}))
        .collect();
    let ok = sim.post(&path, json!({"members": thirty})).await;
    assert_eq!(ok.status, StatusCode::CREATED);

    let empty = sim.post(&path, json!({"members": []})).await;
    assert_eq!(empty.code(), Some(300));
    let neither = sim.post(&path, json!({"members": [{}]})).await;
    assert_eq!(neither.code(), Some(300));

    for system in ["0", "2"] {
        let a = sim
            .post(
                &format!("/roles/{system}/members"),
                json!({"members": [{"id": "u00035"}]}),
            )
            .await;
        assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, Some(300)));
        assert_eq!(
            a.body["message"],
            "Can't delete or add members for Normal/Owner roles."
        );
    }
    let no_role = sim
        .post(
            "/roles/nope/members",
            json!({"members": [{"id": "u00035"}]}),
        )
        .await;
    assert_eq!(
        (no_role.status, no_role.code()),
        (StatusCode::NOT_FOUND, Some(1034))
    );

    let owner = sim
        .post(&path, json!({"members": [{"email": "owner@example.com"}]}))
        .await;
    assert_eq!(owner.code(), Some(300));
}

#[tokio::test]
async fn unassign_falls_back_to_member() {
    let sim = start(SimConfig::default().with_users(3)).await;
    let role = sim.create_role("R").await;
    let other = sim.create_role("Other").await;
    sim.assign(&role, &["u00001"]).await;
    sim.assign(&other, &["u00002"]).await;

    let a = sim.delete(&format!("/roles/{role}/members/u00001")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert_eq!(sim.handle.state().role_of("u00001"), Some("2"));

    let not_member = sim.delete(&format!("/roles/{role}/members/u00002")).await;
    assert_eq!(
        (not_member.status, not_member.code()),
        (StatusCode::BAD_REQUEST, Some(300))
    );
    assert_eq!(sim.handle.state().role_of("u00002"), Some(other.as_str()));
    let ghost = sim.delete(&format!("/roles/{role}/members/ghost")).await;
    assert_eq!(
        (ghost.status, ghost.code()),
        (StatusCode::NOT_FOUND, Some(1001))
    );
    let no_role = sim.delete("/roles/nope/members/u00001").await;
    assert_eq!(
        (no_role.status, no_role.code()),
        (StatusCode::NOT_FOUND, Some(1034))
    );
    for system in ["0", "2"] {
        let a = sim.delete(&format!("/roles/{system}/members/u00003")).await;
        assert_eq!(a.code(), Some(300));
    }
    let list_missing = sim.get("/roles/nope/members").await;
    assert_eq!(
        (list_missing.status, list_missing.code()),
        (StatusCode::NOT_FOUND, Some(1034))
    );
}

#[tokio::test]
async fn get_user_by_id_or_email() {
    let sim = start(SimConfig::default().with_users(2)).await;
    let by_id = sim.get("/users/u00002").await;
    assert_eq!(by_id.status, StatusCode::OK);
    assert_eq!(by_id.body["email"], "user2@example.com");
    assert_eq!(by_id.body["role_id"], "2");
    assert_eq!(by_id.body["role_name"], "Member");
    let by_email = sim.get("/users/OWNER@example.COM").await;
    assert_eq!(by_email.body["id"], "u00000");
    assert_eq!(by_email.body["role_id"], "0");
    assert_eq!(by_email.body["role_name"], "Owner");
    let missing = sim.get("/users/nobody@example.com").await;
    assert_eq!(
        (missing.status, missing.code()),
        (StatusCode::NOT_FOUND, Some(1001))
    );
}

/// Walk every page; answer (ids in order, page sizes seen).
async fn walk(
    sim: &crate::support::Sim,
    role: &str,
    page_size: Option<u32>,
) -> (Vec<String>, Vec<u64>) {
    let mut ids = Vec::new();
    let mut sizes = Vec::new();
    let mut token = String::new();
    loop {
        let mut path = format!("/roles/{role}/members?");
        if let Some(n) = page_size {
            path.push_str(&format!("page_size={n}&"));
        }
        if !token.is_empty() {
            path.push_str(&format!("next_page_token={token}"));
        }
        let a = sim.get(&path).await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
        assert_eq!(a.body["total_records"], 1000);
        sizes.push(a.body["page_size"].as_u64().expect("page_size"));
        let members = a.body["members"].as_array().expect("members");
        ids.extend(
            members
                .iter()
                .map(|m| m["id"].as_str().unwrap_or_default().to_string()),
        );
        token = a.body["next_page_token"]
            .as_str()
            .expect("token")
            .to_string();
        if token.is_empty() {
            assert!(!members.is_empty());
            break;
        }
    }
    (ids, sizes)
}

#[tokio::test]
async fn pagination_over_a_thousand_members() {
    let sim = start(SimConfig::default().with_users(1000)).await;
    let role = sim.create_role("Big").await;
    for chunk in 0..34 {
        let ids: Vec<String> = (chunk * 30 + 1..=(chunk * 30 + 30).min(1000))
            .map(|i| format!("u{i:05}"))
            .collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        sim.assign(&role, &refs).await;
    }

    // Default page size 30: 34 pages.
    let first = sim.get(&format!("/roles/{role}/members")).await;
    assert_eq!(first.body["page_size"], 30);
    assert_eq!(first.body["page_count"], 34);
    assert_eq!(first.body["page_number"], 1);
    assert_eq!(first.body["members"].as_array().map(Vec::len), Some(30));
    let m = &first.body["members"][0];
    for field in [
        "id",
        "email",
        "first_name",
        "last_name",
        "type",
        "department",
    ] {
        assert!(m.get(field).is_some(), "member lacks {field}");
    }
    let (ids, sizes) = walk(&sim, &role, None).await;
    assert_eq!(sizes.len(), 34);
    assert_eq!(ids.len(), 1000);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1000);

    // page_size 300: 4 pages, the last one 100 members.
    let (ids, sizes) = walk(&sim, &role, Some(300)).await;
    assert_eq!((ids.len(), sizes.len()), (1000, 4));
    // Above 300 is clamped to 300.
    let clamped = sim
        .get(&format!("/roles/{role}/members?page_size=1000"))
        .await;
    assert_eq!(clamped.body["page_size"], 300);
    assert_eq!(clamped.body["page_count"], 4);
    assert_eq!(clamped.body["members"].as_array().map(Vec::len), Some(300));
    // Chained tokens carry the position; page_number follows.
    let token = clamped.body["next_page_token"].as_str().expect("token");
    let second = sim
        .get(&format!(
            "/roles/{role}/members?page_size=300&next_page_token={token}"
        ))
        .await;
    assert_eq!(second.body["page_number"], 2);
    assert_eq!(second.body["members"][0]["id"], "u00301");
    // Exactly one page: empty token.
    let small = sim.create_role("Small").await;
    sim.assign(&small, &["u00001"]).await;
    let one = sim.get(&format!("/roles/{small}/members")).await;
    assert_eq!(one.body["next_page_token"], "");
    assert_eq!(one.body["page_count"], 1);
    // An empty role.
    let none = sim.create_role("None").await;
    let zero = sim.get(&format!("/roles/{none}/members")).await;
    assert_eq!(zero.body["total_records"], 0);
    assert_eq!(zero.body["next_page_token"], "");
}

#[tokio::test]
async fn bad_page_tokens_and_sizes() {
    let sim = start(SimConfig::default().with_users(40)).await;
    let role = sim.create_role("R").await;
    let ids: Vec<String> = (1..=30).map(|i| format!("u{i:05}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    sim.assign(&role, &refs).await;
    let invalid = sim
        .get(&format!("/roles/{role}/members?next_page_token=bogus"))
        .await;
    assert_eq!(
        (invalid.status, invalid.code()),
        (StatusCode::BAD_REQUEST, Some(300))
    );
    // A token from one role is not valid for another.
    let page = sim
        .get(&format!("/roles/{role}/members?page_size=10"))
        .await;
    let token = page.body["next_page_token"]
        .as_str()
        .expect("token")
        .to_string();
    assert!(!token.is_empty());
    let other = sim.create_role("Other").await;
    let cross = sim
        .get(&format!("/roles/{other}/members?next_page_token={token}"))
        .await;
    assert_eq!(cross.code(), Some(300));
    let nan = sim
        .get(&format!("/roles/{role}/members?page_size=ten"))
        .await;
    assert_eq!(nan.code(), Some(300));
    let zero = sim.get(&format!("/roles/{role}/members?page_size=0")).await;
    assert_eq!(zero.body["page_size"], 30);
    // The deprecated page_number still works.
    let p3 = sim
        .get(&format!("/roles/{role}/members?page_size=10&page_number=3"))
        .await;
    assert_eq!(p3.body["members"][0]["id"], "u00021");
    assert_eq!(p3.body["next_page_token"], "");
}

#[tokio::test]
async fn member_listings_can_lag_writes() {
    let sim = start(
        SimConfig::default()
            .with_users(2)
            .with_switches(|s| s.member_list_lag_ms = 150),
    )
    .await;
    let role = sim.create_role("Laggy").await;
    sim.assign(&role, &["u00001"]).await;
    let now = sim.get(&format!("/roles/{role}/members")).await;
    assert_eq!(now.body["total_records"], 0, "listing lags the write");
    // Other reads are immediate.
    assert_eq!(
        sim.get("/users/u00001").await.body["role_id"],
        role.as_str()
    );
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let later = sim.get(&format!("/roles/{role}/members")).await;
    assert_eq!(later.body["total_records"], 1);
}

#[tokio::test]
async fn pending_users_have_no_id_in_listings() {
    let sim = start(SimConfig::default().with_users(0)).await;
    sim.handle
        .add_users(vec![terraform_provider_zoom::sim::UserSeed {
            id: "pending1".into(),
            email: "new@example.com".into(),
            role_id: Some("1".into()),
            status: Some("pending".into()),
            ..Default::default()
        }])
        .expect("add user");
    let a = sim.get("/roles/1/members").await;
    assert_eq!(a.body["members"][0]["id"], "");
    assert_eq!(a.body["members"][0]["email"], "new@example.com");
}

#[tokio::test]
async fn users_me_is_the_app_user() {
    // By default the app acts as the account Owner.
    let sim = start(SimConfig::default().with_users(2)).await;
    let me = sim.get("/users/me").await;
    assert_eq!(me.status, StatusCode::OK, "{:?}", me.body);
    assert_eq!(me.body["id"], "u00000");
    assert_eq!(me.body["role_id"], "0");

    // Configured by email, it answers with that user and their current role.
    let mut config = SimConfig::default()
        .with_users(2)
        .with_app_user("User1@example.com");
    config.users[1].role_id = Some("1".into());
    let sim = start(config).await;
    let me = sim.get("/users/me").await;
    assert_eq!(me.body["id"], "u00001");
    assert_eq!(me.body["role_id"], "1");
    assert_eq!(me.body["role_name"], "Admin");
}

#[tokio::test]
async fn an_app_whose_user_is_demoted_loses_its_admin_scopes() {
    let mut config = SimConfig::default().with_users(2).with_app_user("u00001");
    config.users[1].role_id = Some("1".into()); // the app's user is an Admin
    let sim = start(config).await;
    assert_eq!(sim.get("/roles").await.status, StatusCode::OK);
    // Demoted to Member: the token issued before keeps working, a new one has no admin
    // scopes left.
    let d = sim
        .call(reqwest::Method::DELETE, "/roles/1/members/u00001", None)
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{:?}", d.body);
    let fresh = crate::support::fetch_token(&sim.http, &sim.handle).await;
    let a = sim
        .call_with(&fresh, reqwest::Method::GET, "/roles", None)
        .await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::BAD_REQUEST, Some(4700)),
        "{:?}",
        a.body
    );
}
