//! Every client endpoint against the simulator: roles CRUD, members (assign in chunks,
//! pagination past 1,000 members with a duplicate across pages, unassign), users, and
//! create-role answers with and without a body.

use std::collections::HashSet;
use std::time::Duration;

use crate::support::{client, ids, start};
use terraform_provider_zoom::sim::{HoldRule, SimConfig, MEMBER_ROLE};
use terraform_provider_zoom::zoom::{CreateRole, MemberRef, Operation, UpdateRole};

fn new_role(name: &str) -> CreateRole {
    CreateRole {
        name: name.into(),
        description: Some("desc".into()),
        role_type: Some("common".into()),
        privileges: vec!["User:Read".into(), "User:Edit".into()],
    }
}

#[tokio::test]
async fn roles_crud_round_trip() {
    let sim = start(SimConfig::default().with_users(5).with_seed(1)).await;
    let c = client(&sim);

    let roles = c.list_roles(None).await.unwrap();
    let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    assert!(
        names.contains(&"Owner") && names.contains(&"Admin") && names.contains(&"Member"),
        "{names:?}"
    );
    assert!(c.list_roles(Some("common")).await.unwrap().len() >= 3);

    let role = c.create_role(&new_role("Auditors")).await.unwrap();
    assert!(!role.id.is_empty());
    assert_eq!(role.name, "Auditors");
    assert_eq!(role.description.as_deref(), Some("desc"));
    assert_eq!(
        role.privileges.as_deref(),
        Some(&["User:Read".to_owned(), "User:Edit".to_owned()][..])
    );

    let got = c.get_role(&role.id).await.unwrap();
    assert_eq!(got.id, role.id);
    assert_eq!(got.name, "Auditors");
    assert_eq!(got.total_members, Some(0));

    c.update_role(
        &role.id,
        &UpdateRole {
            name: Some("Auditors 2".into()),
            description: Some("new".into()),
            privileges: Some(vec!["User:Read".into()]),
        },
    )
    .await
    .unwrap();
    let got = c.get_role(&role.id).await.unwrap();
    assert_eq!(got.name, "Auditors 2");
    assert_eq!(got.description.as_deref(), Some("new"));
    assert_eq!(got.privileges, Some(vec!["User:Read".to_owned()]));

    // An empty update sends nothing.
    let before = c.stats().requests[&Operation::UpdateRole];
    c.update_role(&role.id, &UpdateRole::default())
        .await
        .unwrap();
    assert_eq!(c.stats().requests[&Operation::UpdateRole], before);

    c.delete_role(&role.id).await.unwrap();
    let e = c.get_role(&role.id).await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    // Deleting it again is a plain not-found (no earlier attempt could have done it).
    assert!(c.delete_role(&role.id).await.unwrap_err().is_not_found());
    assert!(sim.state().roles.iter().all(|r| r.role.id != role.id));
}

#[tokio::test]
async fn create_role_with_an_empty_201_finds_the_role_by_name() {
    let sim = start(
        SimConfig::default()
            .with_users(2)
            .with_seed(2)
            .with_switches(|s| s.create_empty_body = true),
    )
    .await;
    let c = client(&sim);
    let role = c.create_role(&new_role("Silent")).await.unwrap();
    assert_eq!(role.name, "Silent");
    let in_sim = sim
        .state()
        .roles
        .into_iter()
        .find(|r| r.role.name == "Silent")
        .unwrap();
    assert_eq!(role.id, in_sim.role.id);
    assert_eq!(c.stats().requests[&Operation::ListRoles], 1);
    // The list has no privileges: the client reads the role in full.
    assert_eq!(c.stats().requests[&Operation::GetRole], 1);
    assert_eq!(
        role.privileges,
        Some(vec!["User:Read".to_owned(), "User:Edit".to_owned()])
    );
    assert_eq!(role.description.as_deref(), Some("desc"));
}

#[tokio::test]
async fn members_assign_list_unassign_and_users() {
    let sim = start(SimConfig::default().with_users(70).with_seed(3)).await;
    let c = client(&sim);
    let role = c.create_role(&new_role("Helpdesk")).await.unwrap();

    // 65 members: three chunks of at most 30, ids and emails mixed.
    let mut members = ids(1..=60);
    members.extend((61..=65).map(|i| MemberRef::Email(format!("USER{i}@example.com"))));
    let res = c.assign_members(&role.id, &members).await.unwrap();
    assert_eq!(res.ids.len(), 65);
    assert!(res.add_at.is_some());
    assert_eq!(c.stats().requests[&Operation::AssignMembers], 3);
    // Nothing to assign: no request.
    c.assign_members(&role.id, &[]).await.unwrap();
    assert_eq!(c.stats().requests[&Operation::AssignMembers], 3);

    let listed = c.list_members(&role.id).await.unwrap();
    assert_eq!(listed.len(), 65);
    let m1 = listed.iter().find(|m| m.id == "u00001").unwrap();
    assert_eq!(m1.email, "user1@example.com");
    assert_eq!(m1.first_name.as_deref(), Some("User"));

    let user = c.get_user("u00001").await.unwrap();
    assert_eq!(user.role_id.as_deref(), Some(role.id.as_str()));
    assert_eq!(user.role_name.as_deref(), Some("Helpdesk"));
    let by_email = c.get_user("user1@example.com").await.unwrap();
    assert_eq!(by_email.id, "u00001");

    c.unassign_member(&role.id, "u00001").await.unwrap();
    let user = c.get_user("u00001").await.unwrap();
    assert_eq!(user.role_id.as_deref(), Some(MEMBER_ROLE));
    assert_eq!(c.list_members(&role.id).await.unwrap().len(), 64);
    assert_eq!(sim.state().members_of(&role.id).unwrap().len(), 64);
}

#[tokio::test]
async fn member_listing_follows_tokens_past_1000_and_drops_a_duplicate_across_pages() {
    let sim = start(SimConfig::default().with_users(1100).with_seed(4)).await;
    let c = client(&sim);
    let role = c.create_role(&new_role("Everyone")).await.unwrap();
    c.assign_members(&role.id, &ids(11..=1010)).await.unwrap();

    // Plain: 1,000 members over four pages of 300.
    sim.reset_stats();
    let listed = c.list_members(&role.id).await.unwrap();
    assert_eq!(listed.len(), 1000);
    assert_eq!(sim.stats().count("GET /roles/{roleId}/members"), 4);

    // Now make the listing shift under the client: u00001 joins the role (ordered first)
    // between page 1 and page 2, so page 2 repeats the last member of page 1. zoom-sim
    // holds page 2 (the first request with a page token) until the change is made.
    sim.hold(HoldRule {
        route: "GET /roles/{roleId}/members".into(),
        query_contains: Some("next_page_token=".into()),
        count: 1,
    });
    sim.reset_stats();
    let lister = {
        let c = c.clone();
        let id = role.id.clone();
        tokio::spawn(async move { c.list_members(&id).await })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while sim.holds().waiting == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "page 2 never arrived: {:?}",
            sim.holds()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert_eq!(
        sim.stats().count("GET /roles/{roleId}/members"),
        1,
        "page 1 answered, page 2 held"
    );
    c.assign_members(&role.id, &ids(1..=1)).await.unwrap();
    sim.release_holds();
    let listed = lister.await.unwrap().unwrap();
    let unique: HashSet<&str> = listed.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(unique.len(), listed.len(), "no duplicates");
    // The pages held 300 + 300 + 300 + 101 = 1,001 entries (total_records 1,001 from page 2
    // on): u00310 closed page 1 and opened page 2. u00001 sits before the offset of page 2,
    // so offset pagination never shows it: that is Zoom's behaviour, not the client's.
    assert_eq!(listed.len(), 1000, "the duplicate was dropped");
    assert!(unique.contains("u00011") && unique.contains("u00310") && unique.contains("u01010"));
    let pages = sim.stats().count("GET /roles/{roleId}/members");
    assert_eq!(pages, 4, "1,001 members = 4 pages of 300");
}

#[tokio::test]
async fn the_client_is_shared_by_clones_and_tasks() {
    let sim = start(SimConfig::default().with_users(40).with_seed(5)).await;
    let c = client(&sim);
    let tasks: Vec<_> = (1..=40)
        .map(|i| {
            let c = c.clone();
            tokio::spawn(async move { c.get_user(&format!("u{i:05}")).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let s = c.stats();
    assert_eq!(
        s.token_fetches, 1,
        "concurrent callers wait on one token fetch"
    );
    assert_eq!(s.requests[&Operation::GetUser], 40);
    assert_eq!(s.total_requests, 40);
}

#[tokio::test]
async fn a_sub_account_handle_calls_the_master_account_api() {
    let sim = start(
        SimConfig::default()
            .with_users(2)
            .with_seed(1)
            .with_sub_accounts(2, 2),
    )
    .await;
    let c = client(&sim);
    let sub = c.for_account("sub2");
    assert_eq!(sub.account(), Some("sub2"));
    let role = sub.create_role(&new_role("Auditors")).await.unwrap();
    sub.assign_members(
        &role.id,
        &[MemberRef::Email("user1@sub2.example.com".into())],
    )
    .await
    .unwrap();
    let members = sub.list_members(&role.id).await.unwrap();
    assert_eq!(members[0].id, "s2u00001");
    assert_eq!(
        sub.get_user("s2u00001").await.unwrap().role_id.as_deref(),
        Some(role.id.as_str())
    );
    // The app's own account and the other sub-account don't have it.
    assert!(c.get_role(&role.id).await.unwrap_err().is_not_found());
    assert!(c
        .for_account("sub1")
        .get_role(&role.id)
        .await
        .unwrap_err()
        .is_not_found());
    assert_eq!(c.list_sub_accounts().await.unwrap(), ["sub1", "sub2"]);
    assert_eq!(sub.list_sub_accounts().await.unwrap(), ["sub1", "sub2"]);
    // One token for every account.
    assert_eq!(c.stats().token_fetches, 1);
    let log = sim.log();
    assert!(log
        .iter()
        .any(|e| e.path == format!("/v2/accounts/sub2/roles/{}/members", role.id)));
    // Not a sub-account: Zoom's 2001, not "not found".
    let e = c.for_account("other").list_roles(None).await.unwrap_err();
    assert_eq!(e.zoom_code(), Some(2001));
    assert!(!e.is_not_found());
}

#[tokio::test]
async fn a_sub_account_call_without_master_scopes_names_the_master_scope() {
    let sim = start(
        SimConfig::default()
            .with_users(1)
            .with_seed(1)
            .with_sub_accounts(1, 1)
            .with_switches(|s| s.scopes = Some(vec!["role:read:list_roles:admin".into()])),
    )
    .await;
    let c = client(&sim);
    assert!(c.list_roles(None).await.is_ok());
    let e = c.for_account("sub1").list_roles(None).await.unwrap_err();
    assert_eq!(e.missing_scopes()[0], "role:read:list_roles:master");
    assert_eq!(e.operation(), "list roles");
    // Listing sub-accounts is a Master Account API call of its own, with its own scope.
    let e = c.list_sub_accounts().await.unwrap_err();
    assert_eq!(
        e.missing_scopes()[0],
        "account:read:list_sub_accounts:master"
    );
    assert_eq!(
        terraform_provider_zoom::zoom::endpoint(Operation::ListSubAccounts).path,
        "/accounts"
    );
}
