//! Simulator: role endpoints (list, create, get, update, delete) and their Zoom errors.

use crate::support::start;
use reqwest::{Method, StatusCode};
use serde_json::json;
use terraform_provider_zoom::sim::{DeleteRolePolicy, SimConfig};

#[tokio::test]
async fn system_roles_exist_and_list_counts_members() {
    let sim = start(SimConfig::default().with_users(3)).await;
    let a = sim.get("/roles").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.header("x-zm-trackingid").is_some());
    let roles = a.body["roles"].as_array().expect("roles");
    let ids: Vec<&str> = roles.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["0", "1", "2"]);
    assert_eq!(a.body["total_records"], 3);
    assert_eq!(roles[0]["name"], "Owner");
    assert_eq!(roles[0]["total_members"], 1);
    assert_eq!(roles[2]["total_members"], 3);
    assert_eq!(roles[1]["type"], "common");
}

#[tokio::test]
async fn create_get_and_type_filter() {
    let sim = start(SimConfig::default()).await;
    let a = sim
        .post(
            "/roles",
            json!({"name": "Auditors", "description": "read only", "privileges": ["User:Read"]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED);
    let id = a.body["id"].as_str().expect("id").to_string();
    assert_eq!(id.len(), 22);
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(a.body["name"], "Auditors");
    assert_eq!(a.body["type"], "common");
    assert_eq!(a.body["privileges"], json!(["User:Read"]));
    assert_eq!(a.body["total_members"], 0);

    let g = sim.get(&format!("/roles/{id}")).await;
    assert_eq!(g.status, StatusCode::OK);
    assert_eq!(g.body["description"], "read only");
    assert!(g.body.get("sub_account_privileges").is_some());

    let iq = sim
        .post("/roles", json!({"name": "Sellers", "type": "iq"}))
        .await;
    assert_eq!(iq.status, StatusCode::CREATED);
    let common = sim.get("/roles").await;
    assert_eq!(common.body["total_records"], 4);
    let only_iq = sim.get("/roles?type=iq").await;
    assert_eq!(only_iq.body["total_records"], 1);
    assert_eq!(only_iq.body["roles"][0]["name"], "Sellers");
    let bad = sim.get("/roles?type=nope").await;
    assert_eq!(bad.code(), Some(300));
}

#[tokio::test]
async fn create_validates_name() {
    let sim = start(SimConfig::default()).await;
    sim.create_role("Auditors").await;
    let dup = sim.post("/roles", json!({"name": "auditors"})).await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    assert_eq!(dup.code(), Some(1224));
    let system = sim.post("/roles", json!({"name": "Admin"})).await;
    assert_eq!(system.code(), Some(1224));
    let empty = sim.post("/roles", json!({"name": "  "})).await;
    assert_eq!(
        (empty.status, empty.code()),
        (StatusCode::BAD_REQUEST, Some(300))
    );
    let missing = sim.post("/roles", json!({})).await;
    assert_eq!(missing.code(), Some(300));
    let garbage = sim.call(Method::POST, "/roles", None).await;
    assert_eq!(garbage.code(), Some(300));
    let not_json = sim
        .http
        .post(format!("{}/roles", sim.handle.api_url()))
        .bearer_auth(&sim.token)
        .body("{not json")
        .send()
        .await
        .expect("send");
    let not_json = crate::support::answer(not_json).await;
    assert_eq!(
        (not_json.status, not_json.code()),
        (StatusCode::BAD_REQUEST, Some(300))
    );
}

#[tokio::test]
async fn create_can_answer_an_empty_body() {
    let sim = start(SimConfig::default().with_switches(|s| s.create_empty_body = true)).await;
    let a = sim.post("/roles", json!({"name": "Quiet"})).await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert!(a.body.is_null());
    let roles = sim.get("/roles").await;
    assert!(roles.body["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .any(|r| r["name"] == "Quiet"));
}

#[tokio::test]
async fn update_rules() {
    let sim = start(SimConfig::default()).await;
    let id = sim.create_role("Auditors").await;
    sim.create_role("Helpdesk").await;

    let ok = sim
        .patch(
            &format!("/roles/{id}"),
            json!({"name": "Auditors 2", "description": "new", "privileges": ["A:B"]}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT);
    assert!(ok.body.is_null());
    let g = sim.get(&format!("/roles/{id}")).await;
    assert_eq!(g.body["name"], "Auditors 2");
    assert_eq!(g.body["privileges"], json!(["A:B"]));

    // Same name, different case, on the same role: fine.
    let same = sim
        .patch(&format!("/roles/{id}"), json!({"name": "AUDITORS 2"}))
        .await;
    assert_eq!(same.status, StatusCode::NO_CONTENT);
    let dup = sim
        .patch(&format!("/roles/{id}"), json!({"name": "helpdesk"}))
        .await;
    assert_eq!(
        (dup.status, dup.code()),
        (StatusCode::BAD_REQUEST, Some(1224))
    );
    let empty = sim
        .patch(&format!("/roles/{id}"), json!({"name": ""}))
        .await;
    assert_eq!(empty.code(), Some(300));

    for system in ["0", "2"] {
        let a = sim
            .patch(&format!("/roles/{system}"), json!({"description": "x"}))
            .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert_eq!(a.code(), Some(300));
        assert_eq!(a.body["message"], "This role cannot be updated.");
    }
    let admin = sim
        .patch("/roles/1", json!({"privileges": ["Role:Read"]}))
        .await;
    assert_eq!(admin.status, StatusCode::NO_CONTENT);

    let missing = sim.patch("/roles/nope", json!({"name": "x"})).await;
    assert_eq!(
        (missing.status, missing.code()),
        (StatusCode::BAD_REQUEST, Some(1034))
    );
}

#[tokio::test]
async fn delete_rules() {
    let sim = start(SimConfig::default().with_users(3)).await;
    let id = sim.create_role("Temp").await;
    sim.assign(&id, &["u00001", "u00002"]).await;

    let a = sim.delete(&format!("/roles/{id}")).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    // Members of a deleted role fall back to Member.
    let state = sim.handle.state();
    assert_eq!(state.role_of("u00001"), Some("2"));
    assert_eq!(state.members_of(&id), None);

    let again = sim.delete(&format!("/roles/{id}")).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::BAD_REQUEST, Some(1034))
    );
    let get = sim.get(&format!("/roles/{id}")).await;
    assert_eq!(
        (get.status, get.code()),
        (StatusCode::BAD_REQUEST, Some(1034))
    );
    assert_eq!(get.body["message"], "Role does not exist.");

    for system in ["0", "1", "2"] {
        let a = sim.delete(&format!("/roles/{system}")).await;
        assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, Some(300)));
    }
}

#[tokio::test]
async fn delete_with_members_can_be_refused() {
    let sim = start(SimConfig::default().with_users(2).with_switches(|s| {
        s.delete_role_with_members = DeleteRolePolicy::Reject;
    }))
    .await;
    let id = sim.create_role("Sticky").await;
    sim.assign(&id, &["u00001"]).await;
    let a = sim.delete(&format!("/roles/{id}")).await;
    assert_eq!(a.code(), Some(300));
    assert_eq!(sim.handle.state().role_of("u00001"), Some(id.as_str()));
    let u = sim.delete(&format!("/roles/{id}/members/u00001")).await;
    assert_eq!(u.status, StatusCode::NO_CONTENT);
    let b = sim.delete(&format!("/roles/{id}")).await;
    assert_eq!(b.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn unknown_endpoints_answer_2300() {
    let sim = start(SimConfig::default()).await;
    let a = sim.get("/meetings").await;
    assert_eq!((a.status, a.code()), (StatusCode::NOT_FOUND, Some(2300)));
    assert!(a.header("x-zm-trackingid").is_some());
    let b = sim.call(Method::PUT, "/roles/1", None).await;
    assert_eq!(
        (b.status, b.code()),
        (StatusCode::METHOD_NOT_ALLOWED, Some(2300))
    );
    let c = sim.get("/roles//members").await;
    assert_eq!(c.code(), Some(2300));
}

#[tokio::test]
async fn each_documented_not_found_form_on_every_route_naming_a_role() {
    use terraform_provider_zoom::sim::NotFoundForm;
    let sim = start(SimConfig::default().with_users(2)).await;
    let calls: [(Method, &str, Option<serde_json::Value>); 6] = [
        (Method::GET, "/roles/nope", None),
        (Method::PATCH, "/roles/nope", Some(json!({"name": "x"}))),
        (Method::DELETE, "/roles/nope", None),
        (Method::GET, "/roles/nope/members", None),
        (
            Method::POST,
            "/roles/nope/members",
            Some(json!({"members": [{"id": "u00001"}]})),
        ),
        (Method::DELETE, "/roles/nope/members/u00001", None),
    ];
    for (form, status, code, message) in [
        (
            NotFoundForm::Code300,
            StatusCode::BAD_REQUEST,
            Some(300),
            "Role not found.",
        ),
        (
            NotFoundForm::Code200,
            StatusCode::OK,
            Some(200),
            "Role not found.",
        ),
        (
            NotFoundForm::Http404,
            StatusCode::NOT_FOUND,
            None,
            "Role not found",
        ),
    ] {
        sim.handle
            .update_switches(|s| s.not_found_form = form)
            .unwrap();
        for (method, path, body) in calls.clone() {
            let a = sim.call(method.clone(), path, body).await;
            let unassign = path.ends_with("/u00001");
            let message = if unassign && form == NotFoundForm::Http404 {
                "Role or Member not found"
            } else {
                message
            };
            assert_eq!(
                (a.status, a.code(), a.body["message"].as_str()),
                (status, code, Some(message)),
                "{form:?} {method} {path}"
            );
        }
    }
    // Other errors keep their form.
    let owner = sim.delete("/roles/0").await;
    assert_eq!(owner.code(), Some(300));
}

#[tokio::test]
async fn unpaid_refusals_with_zooms_messages_or_an_empty_body() {
    use terraform_provider_zoom::sim::RefusalBody;
    let sim = start(SimConfig::default()).await;
    let id = sim.create_role("Kept").await;
    sim.handle.update_switches(|s| s.unpaid = true).unwrap();
    let create = sim.post("/roles", json!({"name": "New"})).await;
    assert_eq!((create.status, create.code()), (StatusCode::OK, Some(200)));
    assert_eq!(
        create.body["message"],
        "You do not have the permission to create a role."
    );
    let update = sim
        .patch(&format!("/roles/{id}"), json!({"name": "Renamed"}))
        .await;
    assert_eq!(
        update.body["message"],
        "The account must be a paid account to update the role."
    );
    sim.handle
        .update_switches(|s| s.refusal_body = RefusalBody::Empty)
        .unwrap();
    for a in [
        sim.post("/roles", json!({"name": "New"})).await,
        sim.patch(&format!("/roles/{id}"), json!({"name": "Renamed"}))
            .await,
        sim.delete(&format!("/roles/{id}")).await,
    ] {
        assert_eq!((a.status, &a.body), (StatusCode::OK, &json!({})));
    }
    let names: Vec<String> = sim
        .handle
        .state()
        .roles
        .iter()
        .map(|r| r.role.name.clone())
        .collect();
    assert!(names.contains(&"Kept".to_string()) && !names.contains(&"New".to_string()));
}
