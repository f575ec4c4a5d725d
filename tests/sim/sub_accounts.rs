//! The Master Account API: a master account's sub-accounts answered under
//! `/v2/accounts/{accountId}/...`, with the `:master` scopes and Zoom's code 2001 for an
//! account that is not one of the caller's sub-accounts.

use serde_json::json;
use terraform_provider_zoom::sim::SimConfig;

use crate::support::start;

fn config() -> SimConfig {
    SimConfig::default()
        .with_users(3)
        .with_seed(1)
        .with_sub_accounts(2, 2)
}

#[tokio::test]
async fn each_sub_account_has_its_own_roles_and_users() {
    let s = start(config()).await;
    let created = s
        .post(
            "/accounts/sub1/roles",
            json!({"name": "Auditors", "privileges": []}),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let role = created.body["id"].as_str().unwrap().to_string();
    let assign = s
        .post(
            &format!("/accounts/sub1/roles/{role}/members"),
            json!({"members": [{"email": "user1@sub1.example.com"}]}),
        )
        .await;
    assert_eq!(assign.status, 201, "{assign:?}");
    assert_eq!(assign.body["ids"], "s1u00001");
    // The master account and the other sub-account don't have the role.
    let master = s.get("/roles").await;
    assert!(!master.body.to_string().contains("Auditors"));
    let other = s.get("/accounts/sub2/roles").await;
    assert!(!other.body.to_string().contains("Auditors"));
    // `me` is the master account itself.
    let me = s.get("/accounts/me/roles").await;
    assert_eq!(me.body, master.body);
    // A sub-account's users are its own.
    let user = s.get("/accounts/sub1/users/user1@sub1.example.com").await;
    assert_eq!(user.body["role_id"], role.as_str());
    assert_eq!(user.body["account_id"], "sub1");
    assert_eq!(
        s.get("/users/user1@sub1.example.com").await.code(),
        Some(1001)
    );
    let dump = s.handle.sub_account_state("sub1").unwrap();
    assert_eq!(dump.role_of("s1u00001"), Some(role.as_str()));
    assert!(s.handle.sub_account_state("nope").is_none());
    // The listing of sub-accounts pages.
    let page = s.get("/accounts?page_size=1").await;
    assert_eq!(page.body["accounts"][0]["id"], "sub1");
    let next = page.body["next_page_token"].as_str().unwrap().to_string();
    let page = s
        .get(&format!("/accounts?page_size=1&next_page_token={next}"))
        .await;
    assert_eq!(page.body["accounts"][0]["id"], "sub2");
    assert_eq!(page.body["next_page_token"], "");
}

#[tokio::test]
async fn an_account_that_is_not_a_sub_account_answers_2001() {
    let s = start(config()).await;
    // HTTP 400 by default; --foreign-account-status 404 gives the other status the code may
    // come with (Zoom's reference names the code only).
    for status in [400, 404] {
        s.handle
            .update_switches(|sw| sw.foreign_account_status = status)
            .unwrap();
        for path in ["/accounts/other/roles", "/accounts/other/users/me"] {
            let a = s.get(path).await;
            assert_eq!(
                (a.status.as_u16(), a.code()),
                (status, Some(2001)),
                "{path}: {a:?}"
            );
            assert!(a.body["message"]
                .as_str()
                .unwrap()
                .contains("does not belong to you: other"));
        }
    }
    assert!(
        s.handle
            .update_switches(|sw| sw.foreign_account_status = 500)
            .is_err(),
        "only 400 and 404"
    );
}

#[tokio::test]
async fn master_routes_need_the_master_scopes() {
    let s = start(config().with_switches(|sw| {
        sw.scopes = Some(vec![
            "role:read:list_roles:admin".into(),
            "role:read:list_members:admin".into(),
        ])
    }))
    .await;
    assert_eq!(s.get("/roles").await.status, 200);
    let a = s.get("/accounts/sub1/roles").await;
    assert_eq!(a.code(), Some(4711), "{a:?}");
    assert!(a.body["message"]
        .as_str()
        .unwrap()
        .contains("role:read:list_roles:master"));
    let a = s.get("/accounts").await;
    assert_eq!(a.code(), Some(4711), "{a:?}");
}
