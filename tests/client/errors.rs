//! Every error class, produced by the simulator and read through the client: the kind,
//! Zoom's code, the tracking id, and the advice in the message. Secrets never show.

use std::time::Duration;

use crate::support::{client, config, ids, start, CLIENT_SECRET};
use terraform_provider_zoom::sim::{
    FaultKind, ScopeStyle, ScriptedFault, SimConfig, SimHandle, OWNER_ROLE,
};
use terraform_provider_zoom::zoom::{
    Auth, ClientConfig, CreateRole, ErrorKind, Secret, UpdateRole, ZoomClient,
};

fn role(name: &str) -> CreateRole {
    CreateRole {
        name: name.into(),
        ..Default::default()
    }
}

fn assert_tracked(e: &terraform_provider_zoom::zoom::Error) {
    let t = e.tracking_id().expect("tracking id");
    assert!(e.to_string().contains(&format!("tracking id {t}")), "{e}");
}

#[tokio::test]
async fn not_found_name_conflict_validation() {
    let sim = start(SimConfig::default().with_users(3).with_seed(10)).await;
    let c = client(&sim);

    let e = c.get_role("nope").await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotFound);
    assert_eq!((e.http_status(), e.zoom_code()), (Some(400), Some(1034)));
    assert_tracked(&e);
    assert!(
        e.to_string()
            .starts_with("get role nope failed: not found: Zoom code 1034: Role does not exist."),
        "{e}"
    );

    let e = c.list_members("nope").await.unwrap_err();
    assert_eq!(
        (e.kind(), e.http_status(), e.zoom_code()),
        (&ErrorKind::NotFound, Some(404), Some(1034))
    );

    let e = c.get_user("nobody@example.com").await.unwrap_err();
    assert_eq!(
        (e.kind(), e.zoom_code()),
        (&ErrorKind::NotFound, Some(1001))
    );
    assert!(
        e.to_string().contains("Check the user's id or email"),
        "{e}"
    );

    let r = c.create_role(&role("Dup")).await.unwrap();
    let e = c
        .assign_members(
            &r.id,
            &[terraform_provider_zoom::zoom::MemberRef::Id("ghost".into())],
        )
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.zoom_code()),
        (&ErrorKind::NotFound, Some(1001))
    );
    assert!(
        e.to_string().starts_with(&format!(
            "assign members to role {} failed: not found",
            r.id
        )),
        "{e}"
    );

    let e = c.create_role(&role("Dup")).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.zoom_code()),
        (&ErrorKind::NameConflict, Some(1224))
    );
    assert!(e.is_name_conflict());
    assert!(
        e.to_string()
            .contains("choose another name, or use the existing role"),
        "{e}"
    );
    let other = c.create_role(&role("Other")).await.unwrap();
    let e = c
        .update_role(
            &other.id,
            &UpdateRole {
                name: Some("Dup".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NameConflict);

    let e = c.assign_members(OWNER_ROLE, &ids(1..=1)).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.zoom_code()),
        (&ErrorKind::Validation, Some(300))
    );
    assert!(
        e.to_string()
            .contains("Can't delete or add members for Normal/Owner roles"),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("check the values in the configuration"),
        "{e}"
    );
    assert_eq!(e.attempts(), 1, "validation errors are not retried");

    let e = c.create_role(&role("")).await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Validation, "{e}");
}

#[tokio::test]
async fn unpaid_account_is_a_permission_error_despite_http_200() {
    let sim = start(
        SimConfig::default()
            .with_seed(11)
            .with_switches(|s| s.unpaid = true),
    )
    .await;
    let c = client(&sim);
    let e = c.create_role(&role("Paid only")).await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::PermissionOrPlan);
    assert_eq!((e.http_status(), e.zoom_code()), (Some(200), Some(200)));
    let t = e.to_string();
    assert!(
        t.contains("refused for lack of permission or plan: Zoom code 200"),
        "{t}"
    );
    assert!(t.contains("paid (Pro or higher)"), "{t}");
    // Reads still work.
    c.list_roles(None).await.unwrap();
    let e = c
        .update_role(
            "1",
            &UpdateRole {
                description: Some("x".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::PermissionOrPlan);
    let e = c.delete_role("1").await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::PermissionOrPlan);
}

#[tokio::test]
async fn unknown_endpoint_2300_points_at_api_url() {
    let sim = start(SimConfig::default().with_seed(12)).await;
    let mut cfg = config(&sim);
    cfg.api_url = format!("{}/v1", sim.base_url()).parse().unwrap();
    let c = ZoomClient::new(cfg).unwrap();
    let e = c.list_roles(None).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.zoom_code()),
        (&ErrorKind::PermissionOrPlan, Some(2300))
    );
    let t = e.to_string();
    assert!(
        t.contains("check api_url")
            && t.contains("HTTP method")
            && t.contains("plan allows role management"),
        "{t}"
    );
}

#[tokio::test]
async fn missing_scopes_classic_and_granular() {
    let sim = start(
        SimConfig::default()
            .with_seed(13)
            .with_switches(|s| s.scopes = Some(vec!["role:read:admin".into()])),
    )
    .await;
    let c = client(&sim);
    c.list_roles(None).await.unwrap();
    let e = c.get_user("u00001").await.unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::MissingScopes {
            scopes: vec!["user:read:admin".into()]
        }
    );
    assert_eq!(e.zoom_code(), Some(4700));
    let t = e.to_string();
    assert!(t.contains("Add user:read:admin to the app's scopes"), "{t}");
    assert!(t.contains("a NEW token is needed"), "{t}");

    let sim = start(SimConfig::default().with_seed(14).with_switches(|s| {
        s.scopes = Some(vec!["role:read:list_roles:admin".into()]);
        s.scope_style = ScopeStyle::Granular;
    }))
    .await;
    let c = client(&sim);
    let e = c.create_role(&role("x")).await.unwrap_err();
    assert_eq!(e.zoom_code(), Some(4711));
    assert_eq!(e.missing_scopes(), &["role:write:role:admin".to_owned()]);
}

/// The simulator's client settings with a wrong client secret.
fn wrong_secret_config(sim: &SimHandle) -> ClientConfig {
    let mut cfg = config(sim);
    cfg.auth = Auth::ClientCredentials {
        account_id: "sim-account".into(),
        client_id: "sim-client".into(),
        client_secret: Secret::new("wrong-secret-value"),
        token_url: sim.token_url().parse().unwrap(),
    };
    cfg
}

#[tokio::test]
async fn bad_credentials_name_the_settings_and_hide_the_secret() {
    let sim = start(SimConfig::default().with_seed(15)).await;
    let mut cfg = wrong_secret_config(&sim);
    let c = ZoomClient::new(cfg.clone()).unwrap();
    let e = c.list_roles(None).await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Authentication);
    assert_eq!(e.attempts(), 1, "bad credentials are not retried");
    let t = e.to_string();
    assert!(t.starts_with("fetch an OAuth access token (to list roles) failed: authentication failed: invalid_client"), "{t}");
    assert!(
        t.contains("check client_id, client_secret and account_id"),
        "{t}"
    );
    let all = format!("{e} {e:?} {cfg:?} {c:?}");
    assert!(
        !all.contains("wrong-secret-value") && !all.contains(CLIENT_SECRET),
        "{all}"
    );

    if let Auth::ClientCredentials {
        account_id,
        client_secret,
        ..
    } = &mut cfg.auth
    {
        *account_id = "other-account".into();
        *client_secret = Secret::new(CLIENT_SECRET);
    }
    let e = ZoomClient::new(cfg)
        .unwrap()
        .list_roles(None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Authentication, "{e}");
    assert!(e.to_string().contains("Invalid account_id"), "{e}");
}

#[tokio::test]
async fn static_token_rejected_fails_at_once_with_advice() {
    let sim = start(
        SimConfig::default()
            .with_seed(16)
            .with_static_token("static-token-xyz"),
    )
    .await;
    let mut cfg = config(&sim);
    cfg.auth = Auth::access_token("static-token-xyz");
    let c = ZoomClient::new(cfg).unwrap();
    c.list_roles(None).await.unwrap();
    sim.push_fault(ScriptedFault {
        route: "*".into(),
        kind: FaultKind::InvalidToken,
        count: 1,
    });
    let e = c.list_roles(None).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.zoom_code(), e.attempts()),
        (&ErrorKind::Authentication, Some(124), 1)
    );
    let t = e.to_string();
    assert!(
        t.contains("supply a fresh access_token")
            && t.contains("client_id, client_secret and account_id"),
        "{t}"
    );
    assert!(!format!("{t} {e:?} {c:?}").contains("static-token-xyz"));
    assert_eq!(c.stats().token_fetches, 0);

    let mut cfg = config(&sim);
    cfg.auth = Auth::access_token("not-a-token");
    let e = ZoomClient::new(cfg)
        .unwrap()
        .get_user("u00001")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Authentication);
}

#[tokio::test]
async fn daily_limit_fails_fast() {
    let sim = start(SimConfig::default().with_seed(17)).await;
    let c = client(&sim);
    sim.push_fault(ScriptedFault {
        route: "GET /roles".into(),
        kind: FaultKind::DailyLimit,
        count: 1,
    });
    let e = c.list_roles(None).await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::RateLimited { daily: true });
    // Fast means no wait and no second attempt: one request, no retry planned.
    assert_eq!(e.attempts(), 1);
    assert_eq!((c.stats().retries, sim.stats().count("GET /roles")), (0, 1));
    assert!(
        e.to_string().contains("daily rate limit reached") && e.to_string().contains("00:00 GMT"),
        "{e}"
    );

    // The same through the daily cap switch.
    sim.update_switches(|s| s.daily_limit = Some(0)).unwrap();
    let e = c.get_user("u00001").await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::RateLimited { daily: true });
}

#[tokio::test]
async fn persistent_server_errors_and_per_second_429s_end_as_transient_and_rate_limited() {
    let sim = start(
        SimConfig::default()
            .with_seed(18)
            .with_switches(|s| s.error_rate = 1.0),
    )
    .await;
    let mut cfg = config(&sim);
    cfg.max_attempts = 3;
    let c = ZoomClient::new(cfg.clone()).unwrap();
    let e = c.get_role("1").await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Transient);
    assert_eq!(e.attempts(), 3);
    let t = e.to_string();
    assert!(
        t.contains("temporary failure")
            && t.contains("after 3 attempts")
            && t.contains("try again later"),
        "{t}"
    );
    assert_eq!(c.stats().retries, 2);

    sim.update_switches(|s| {
        s.error_rate = 0.0;
        s.rate_limit_rate = 1.0;
    })
    .unwrap();
    cfg.retry_budget = Duration::from_millis(1500);
    let c = ZoomClient::new(cfg).unwrap();
    let e = c.get_role("1").await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::RateLimited { daily: false });
    assert!(
        e.to_string().contains("lower rate_limits") && e.to_string().contains("retry_budget"),
        "{e}"
    );
    assert!(c.stats().rate_limited >= 1);
}

#[tokio::test]
async fn connection_refused_is_transient() {
    let sim = start(SimConfig::default().with_seed(19)).await;
    let mut cfg = config(&sim);
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    cfg.api_url = format!("http://127.0.0.1:{port}/v2").parse().unwrap();
    cfg.max_attempts = 2;
    let e = ZoomClient::new(cfg)
        .unwrap()
        .list_roles(None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Transient);
    assert!(e.to_string().contains("could not connect"), "{e}");
    assert_eq!(e.http_status(), None);
}

#[tokio::test]
async fn an_unreachable_host_is_named_with_the_setting_to_fix() {
    let sim = start(SimConfig::default().with_seed(21)).await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);

    // The API.
    let mut cfg = config(&sim);
    cfg.api_url = format!("http://127.0.0.1:{port}/v2?tenant=hidden-query")
        .parse()
        .unwrap();
    cfg.max_attempts = 1;
    let e = ZoomClient::new(cfg)
        .unwrap()
        .get_role("1")
        .await
        .unwrap_err();
    let t = e.to_string();
    assert!(
        t.contains(&format!("could not connect to 127.0.0.1:{port}")),
        "{t}"
    );
    assert!(t.contains("could not be reached: check api_url."), "{t}");
    assert!(t.contains("https://api.zoomgov.com/v2"), "{t}");
    assert!(!t.contains("hidden-query") && !t.contains("/v2?"), "{t}");

    // The token endpoint; its query string is never shown.
    let mut cfg = config(&sim);
    if let Auth::ClientCredentials { token_url, .. } = &mut cfg.auth {
        *token_url = format!("http://127.0.0.1:{port}/oauth/token?account_id=hidden-query")
            .parse()
            .unwrap();
    }
    cfg.max_attempts = 1;
    let e = ZoomClient::new(cfg)
        .unwrap()
        .get_role("1")
        .await
        .unwrap_err();
    let t = e.to_string();
    assert!(
        t.starts_with("fetch an OAuth access token (to get role 1) failed"),
        "{t}"
    );
    assert!(
        t.contains(&format!("could not connect to 127.0.0.1:{port}")),
        "{t}"
    );
    assert!(t.contains("could not be reached: check token_url."), "{t}");
    assert!(t.contains("https://zoomgov.com/oauth/token"), "{t}");
    assert!(!t.contains("hidden-query"), "{t}");
}

#[tokio::test]
async fn configuration_errors() {
    let sim = start(SimConfig::default().with_seed(20)).await;
    let mut cfg = config(&sim);
    cfg.auth = Auth::access_token("");
    let e = ZoomClient::new(cfg.clone()).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Configuration);
    assert!(e.to_string().contains("access_token is empty"), "{e}");
    cfg.auth = Auth::client_credentials("", "id", "secret");
    assert!(ZoomClient::new(cfg.clone())
        .unwrap_err()
        .to_string()
        .contains("account_id is empty"));
    cfg.auth = Auth::access_token("t");
    cfg.api_url = "mailto:someone@example.com".parse().unwrap();
    assert_eq!(
        ZoomClient::new(cfg).unwrap_err().kind(),
        &ErrorKind::Configuration
    );
}

#[tokio::test]
async fn callers_waiting_on_a_failed_token_fetch_share_its_failure() {
    let sim = start(SimConfig::default()).await;
    let cfg = wrong_secret_config(&sim);
    let c = ZoomClient::new(cfg).unwrap();
    let results = futures::future::join_all((0..10).map(|_| c.list_roles(None))).await;
    for r in &results {
        let e = r.as_ref().unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::Authentication, "{e}");
    }
    assert_eq!(
        sim.stats().count("POST /oauth/token"),
        1,
        "ten callers, one token request"
    );
    // A later request tries again: the secret may have been fixed meanwhile.
    c.list_roles(None).await.unwrap_err();
    assert_eq!(sim.stats().count("POST /oauth/token"), 2);
}

#[tokio::test]
async fn the_token_answers_api_url_is_never_used_as_the_api_base() {
    // Zoom's token answer carries `api_url`, a host without `/v2`. Pasting it into request
    // paths would send every call to the wrong place (code 2300, or nowhere): requests keep
    // going to the configured api_url.
    let sim = start(
        SimConfig::default()
            .with_seed(22)
            .with_switches(|s| s.token_api_url = Some("http://127.0.0.1:1".into())),
    )
    .await;
    let c = ZoomClient::new(config(&sim)).unwrap();
    let role = c.get_role("1").await.unwrap();
    assert_eq!(role.name, "Admin");
    assert_eq!(sim.stats().count("GET /roles/{roleId}"), 1);
    assert_eq!(sim.stats().count("GET (unmatched)"), 0);
}
