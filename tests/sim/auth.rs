//! Simulator: the token endpoint, bearer tokens (124), expiry, static tokens and scopes
//! (4700/4711).

use std::time::Duration;

use crate::support::{answer, basic, client, start};
use reqwest::StatusCode;
use serde_json::Value;
use terraform_provider_zoom::sim::{self, ScopeStyle, SimConfig};

async fn token_request(
    http: &reqwest::Client,
    url: &str,
    query: &[(&str, &str)],
    form: Option<&[(&str, &str)]>,
    auth: Option<String>,
) -> crate::support::Answer {
    let mut req = http.post(url).query(query);
    if let Some(form) = form {
        req = req.form(form);
    }
    if let Some(auth) = auth {
        req = req.header("authorization", auth);
    }
    answer(req.send().await.expect("send")).await
}

#[tokio::test]
async fn token_endpoint_accepts_query_or_form() {
    let handle =
        sim::spawn(SimConfig::default().with_switches(|s| s.token_lifetime_ms = 7_200_000))
            .await
            .expect("spawn");
    let http = client();
    let url = handle.token_url();
    let good = basic("sim-client", "sim-secret");
    let a = token_request(
        &http,
        &url,
        &[
            ("grant_type", "account_credentials"),
            ("account_id", "sim-account"),
        ],
        None,
        Some(good.clone()),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["token_type"], "bearer");
    assert_eq!(a.body["expires_in"], 7200);
    assert_eq!(
        a.body["scope"],
        "role:read:admin role:write:admin user:read:admin"
    );
    let t1 = a.body["access_token"].as_str().expect("token").to_string();
    assert!(t1.len() >= 32);

    let b = token_request(
        &http,
        &url,
        &[],
        Some(&[
            ("grant_type", "account_credentials"),
            ("account_id", "sim-account"),
        ]),
        Some(good),
    )
    .await;
    assert_eq!(b.status, StatusCode::OK);
    let t2 = b.body["access_token"].as_str().expect("token");
    assert_ne!(t1, t2, "tokens are random");
    assert!(a.header("x-zm-trackingid").is_some());
}

#[tokio::test]
async fn token_endpoint_errors() {
    let handle = sim::spawn(SimConfig::default()).await.expect("spawn");
    let http = client();
    let url = handle.token_url();
    let good = || Some(basic("sim-client", "sim-secret"));
    let full = [
        ("grant_type", "account_credentials"),
        ("account_id", "sim-account"),
    ];

    let wrong_secret =
        token_request(&http, &url, &full, None, Some(basic("sim-client", "nope"))).await;
    assert_eq!(wrong_secret.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong_secret.body["error"], "invalid_client");
    assert_eq!(
        wrong_secret.body["reason"],
        "Invalid client_id or client_secret"
    );
    let wrong_id = token_request(&http, &url, &full, None, Some(basic("x", "sim-secret"))).await;
    assert_eq!(wrong_id.body["error"], "invalid_client");

    let no_auth = token_request(&http, &url, &full, None, None).await;
    assert_eq!(no_auth.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_auth.body["error"], "invalid_request");
    let garbled = token_request(&http, &url, &full, None, Some("Basic !!!".to_string())).await;
    assert_eq!(garbled.body["error"], "invalid_request");

    let no_grant = token_request(&http, &url, &[("account_id", "sim-account")], None, good()).await;
    assert_eq!(no_grant.body["error"], "invalid_request");
    let bad_grant = token_request(
        &http,
        &url,
        &[
            ("grant_type", "client_credentials"),
            ("account_id", "sim-account"),
        ],
        None,
        good(),
    )
    .await;
    assert_eq!(bad_grant.body["error"], "unsupported_grant_type");
    let no_account = token_request(
        &http,
        &url,
        &[("grant_type", "account_credentials")],
        None,
        good(),
    )
    .await;
    assert_eq!(no_account.body["error"], "invalid_request");
    let wrong_account = token_request(
        &http,
        &url,
        &[
            ("grant_type", "account_credentials"),
            ("account_id", "other"),
        ],
        None,
        good(),
    )
    .await;
    assert_eq!(wrong_account.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong_account.body["error"], "invalid_request");
}

#[tokio::test]
async fn api_calls_need_a_valid_token() {
    let sim = start(SimConfig::default()).await;
    let no_token = answer(
        sim.http
            .get(format!("{}/roles", sim.handle.api_url()))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_token.code(), Some(124));
    assert_eq!(no_token.body["message"], "Invalid access token.");
    let bogus = sim
        .call_with("bogus", reqwest::Method::GET, "/roles", None)
        .await;
    assert_eq!(
        (bogus.status, bogus.code()),
        (StatusCode::UNAUTHORIZED, Some(124))
    );
    assert_eq!(sim.get("/roles").await.status, StatusCode::OK);
}

#[tokio::test]
async fn tokens_expire() {
    let sim = start(SimConfig::default().with_switches(|s| s.token_lifetime_ms = 100)).await;
    assert_eq!(sim.get("/roles").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(150)).await;
    let expired = sim.get("/roles").await;
    assert_eq!(
        (expired.status, expired.code()),
        (StatusCode::UNAUTHORIZED, Some(124))
    );

    // Expiring every token at once through the control API.
    sim.handle
        .update_switches(|s| s.token_lifetime_ms = 60_000)
        .expect("switches");
    let fresh = crate::support::fetch_token(&sim.http, &sim.handle).await;
    let ok = sim
        .call_with(&fresh, reqwest::Method::GET, "/roles", None)
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let r = sim
        .control(reqwest::Method::POST, "/_sim/tokens/expire", None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let gone = sim
        .call_with(&fresh, reqwest::Method::GET, "/roles", None)
        .await;
    assert_eq!(gone.code(), Some(124));
}

#[tokio::test]
async fn single_token_mode_revokes_the_previous_token() {
    let sim = start(SimConfig::default().with_switches(|s| s.single_token = true)).await;
    let second = crate::support::fetch_token(&sim.http, &sim.handle).await;
    assert_eq!(sim.get("/roles").await.code(), Some(124));
    let ok = sim
        .call_with(&second, reqwest::Method::GET, "/roles", None)
        .await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[tokio::test]
async fn static_tokens_work_without_oauth() {
    let sim = start(SimConfig::default().with_static_token("static-abc")).await;
    let a = sim
        .call_with("static-abc", reqwest::Method::GET, "/users/u00001", None)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    sim.handle.expire_tokens();
    let still = sim
        .call_with("static-abc", reqwest::Method::GET, "/roles", None)
        .await;
    assert_eq!(still.status, StatusCode::OK);
}

#[tokio::test]
async fn granular_scopes_answer_4711() {
    let sim = start(SimConfig::default().with_switches(|s| {
        s.scopes = Some(vec![
            "role:read:list_roles:admin".into(),
            "role:read:role:admin".into(),
        ]);
    }))
    .await;
    assert_eq!(sim.get("/roles").await.status, StatusCode::OK);
    let role = sim.get("/roles/1").await;
    assert_eq!(role.status, StatusCode::OK);
    let members = sim.get("/roles/1/members").await;
    assert_eq!(members.status, StatusCode::BAD_REQUEST);
    assert_eq!(members.code(), Some(4711));
    assert_eq!(
        members.body["message"],
        "Invalid access token, does not contain scopes:[role:read:list_members:admin]."
    );
    let user = sim.get("/users/u00001").await;
    assert_eq!(user.code(), Some(4711));
}

#[tokio::test]
async fn classic_scopes_answer_4700_and_are_fixed_at_issue() {
    let sim = start(SimConfig::default().with_switches(|s| {
        s.scopes = Some(vec!["role:read:admin".into()]);
    }))
    .await;
    assert_eq!(sim.get("/roles/1/members").await.status, StatusCode::OK);
    let write = sim.post("/roles", serde_json::json!({"name": "X"})).await;
    assert_eq!(write.code(), Some(4700));
    assert_eq!(
        write.body["message"],
        "Invalid access token, does not contain scopes:[role:write:admin]."
    );
    // Granting more scopes does not change tokens already issued.
    sim.handle
        .update_switches(|s| {
            s.scopes = Some(vec!["role:read:admin".into(), "role:write:admin".into()]);
        })
        .expect("switches");
    let still = sim.post("/roles", serde_json::json!({"name": "X"})).await;
    assert_eq!(still.code(), Some(4700));
    let fresh = crate::support::fetch_token(&sim.http, &sim.handle).await;
    let ok = sim
        .call_with(
            &fresh,
            reqwest::Method::POST,
            "/roles",
            Some(serde_json::json!({"name": "X"})),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED);
    // The style can be forced.
    sim.handle
        .update_switches(|s| {
            s.scopes = Some(vec!["role:read:admin".into()]);
            s.scope_style = ScopeStyle::Granular;
        })
        .expect("switches");
    let forced = crate::support::fetch_token(&sim.http, &sim.handle).await;
    let a = sim
        .call_with(&forced, reqwest::Method::GET, "/users/u00001", None)
        .await;
    assert_eq!(a.code(), Some(4711));
    let token_scope = answer(
        sim.http
            .post(sim.handle.token_url())
            .query(&[
                ("grant_type", "account_credentials"),
                ("account_id", "sim-account"),
            ])
            .header("authorization", basic("sim-client", "sim-secret"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(token_scope.body["scope"], Value::from("role:read:admin"));
}
