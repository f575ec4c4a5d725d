//! Property tests of the parsing the provider does on input it does not control:
//!
//! - `parse_import_id` on arbitrary strings never panics, accepts only `<role>/<member>`
//!   with both parts non-empty, and round-trips generated `<role>/<id>` and
//!   `<role>/<email>` IDs to the right role id and `MemberRef`;
//! - the Zoom client, pointed at a stub server answering every request with a generated
//!   status, headers and body (random bytes, random JSON, truncated JSON, Zoom-shaped JSON
//!   with wrong types, huge numbers), returns `Ok` or `Err` from every method and never
//!   panics. The same goes for the token endpoint's answer under client credentials.
//!
//! Fixed case budgets and no failure persistence, so runs are quick and repeatable in CI.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode};
use axum::response::Response;
use axum::Router;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use terraform_provider_zoom::provider::role_membership::parse_import_id;
use terraform_provider_zoom::zoom::{
    Auth, ClientConfig, CreateRole, MemberRef, RateLimits, Secret, UpdateRole, ZoomClient,
};

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

// ---- parse_import_id -------------------------------------------------------------------

/// Strings heavy in the characters the parser cares about, plus fully arbitrary ones.
fn import_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-zA-Z/@. \t\n_-]{0,30}",
        "\\PC{0,8}/\\PC{0,8}(@\\PC{0,8})?",
    ]
}

fn role_id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,24}".prop_filter("Owner and Member are refused", |r| r != "0" && r != "2")
}

fn user_id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,24}"
}

fn email() -> impl Strategy<Value = String> {
    (
        "[A-Za-z0-9._+-]{1,20}",
        "[A-Za-z0-9-]{1,10}(\\.[A-Za-z0-9-]{1,10}){1,3}",
    )
        .prop_map(|(local, domain)| format!("{local}@{domain}"))
}

fn padding() -> impl Strategy<Value = String> {
    "[ \t\n]{0,3}"
}

#[test]
fn import_ids_never_panic_and_ok_means_role_slash_member() {
    runner(2_000)
        .run(&import_like(), |id| {
            if let Ok((account, role, member)) = parse_import_id(&id) {
                prop_assert!(!role.is_empty() && !role.contains('/'));
                prop_assert!(role != "0" && role != "2", "system role {role}");
                let m = member.as_str();
                prop_assert!(!m.is_empty() && !m.contains('/'));
                let whole = match &account {
                    Some(a) => format!("{a}/{role}/{m}"),
                    None => format!("{role}/{m}"),
                };
                prop_assert_eq!(whole, id.trim());
                prop_assert_eq!(matches!(member, MemberRef::Email(_)), m.contains('@'));
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn import_ids_with_a_user_id_round_trip() {
    runner(2_000)
        .run(
            &(padding(), role_id(), user_id(), padding()),
            |(pre, role, user, post)| {
                let got = parse_import_id(&format!("{pre}{role}/{user}{post}"));
                prop_assert_eq!(
                    got.ok(),
                    Some((None, role.clone(), MemberRef::Id(user.clone())))
                );
                // The same in a sub-account.
                let got = parse_import_id(&format!("{pre}sub1/{role}/{user}{post}"));
                prop_assert_eq!(
                    got.ok(),
                    Some((Some("sub1".to_string()), role, MemberRef::Id(user)))
                );
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn import_ids_with_an_email_round_trip() {
    runner(2_000)
        .run(
            &(padding(), role_id(), email(), padding()),
            |(pre, role, email, post)| {
                let got = parse_import_id(&format!("{pre}{role}/{email}{post}"));
                prop_assert_eq!(got.ok(), Some((None, role, MemberRef::Email(email))));
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn import_ids_for_owner_and_member_are_refused() {
    let who = prop_oneof![user_id(), email()];
    runner(2_000)
        .run(
            &(prop::sample::select(vec!["0", "2"]), who),
            |(role, who)| {
                let err = parse_import_id(&format!("{role}/{who}")).unwrap_err();
                prop_assert_eq!(err.summary.as_str(), "This membership can't be managed");
                Ok(())
            },
        )
        .unwrap();
}

// ---- the client against a stub server ------------------------------------------------

/// One generated answer.
#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// What the stub serves now: one answer for the token endpoint, one for everything else.
#[derive(Clone, Debug)]
struct Answers {
    api: Answer,
    token: Answer,
}

#[derive(Clone)]
struct Stub {
    answers: Arc<Mutex<Answers>>,
    requests: Arc<AtomicU64>,
}

async fn answer(State(stub): State<Stub>, req: Request<Body>) -> Response {
    stub.requests.fetch_add(1, Ordering::Relaxed);
    let a = {
        let answers = stub.answers.lock().unwrap();
        if req.uri().path() == "/oauth/token" {
            answers.token.clone()
        } else {
            answers.api.clone()
        }
    };
    let mut resp = Response::new(Body::from(a.body));
    *resp.status_mut() = StatusCode::from_u16(a.status).unwrap();
    for (k, v) in &a.headers {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k.as_str()), HeaderValue::from_str(v)) {
            resp.headers_mut().append(k, v);
        }
    }
    resp
}

fn status() -> impl Strategy<Value = u16> {
    prop::sample::select(vec![200u16, 201, 204, 400, 401, 404, 429, 500])
}

/// Keys the client looks for, so generated objects often hit its parsing paths.
const KEYS: &[&str] = &[
    "roles",
    "members",
    "id",
    "name",
    "description",
    "type",
    "privileges",
    "total_members",
    "total_records",
    "next_page_token",
    "page_size",
    "code",
    "message",
    "errors",
    "field",
    "email",
    "first_name",
    "last_name",
    "role_id",
    "role_name",
    "user_type",
    "status",
    "dept",
    "department",
    "ids",
    "add_at",
    "access_token",
    "token_type",
    "expires_in",
    "scope",
    "error",
    "reason",
];

/// JSON text of a scalar, including numbers no Rust integer or float holds.
fn json_scalar() -> BoxedStrategy<String> {
    prop_oneof![
        Just("null".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        prop::sample::select(vec![
            "18446744073709551616",
            "-9223372036854775809",
            "9223372036854775807",
            "99999999999999999999999999999999999999999999",
            "1e400",
            "-1e400",
            "1e-400",
            "0.0000000000000000000001",
            "-0",
            "3600.5",
            "1E2",
        ])
        .prop_map(str::to_string),
        any::<String>().prop_map(|s| serde_json::Value::from(s).to_string()),
        prop::sample::select(KEYS.to_vec()).prop_map(|s| format!("\"{s}\"")),
        prop::sample::select(vec![
            "\"\"",
            "\"1\"",
            "\"2\"",
            "\"124\"",
            "\"-1\"",
            "\"3600\"",
            "\"1e400\"",
            "\"tok\"",
            "\"a@b.c\"",
            "\"\\u0000\"",
            "\"\\ud800\"",
        ])
        .prop_map(str::to_string),
    ]
    .boxed()
}

/// JSON text of any value; objects mostly use the client's keys.
fn json_text() -> BoxedStrategy<String> {
    let key = prop_oneof![
        4 => prop::sample::select(KEYS.to_vec()).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    json_scalar()
        .prop_recursive(4, 48, 8, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                prop::collection::vec((key.clone(), inner), 0..8).prop_map(|fields| {
                    let fields: Vec<String> = fields
                        .into_iter()
                        .map(|(k, v)| format!("{}:{v}", serde_json::Value::from(k)))
                        .collect();
                    format!("{{{}}}", fields.join(","))
                }),
            ]
        })
        .boxed()
}

/// An object shaped like one of Zoom's answers, with generated (often wrong-typed) values.
fn zoom_shaped() -> BoxedStrategy<String> {
    let shapes: Vec<&'static [&'static str]> = vec![
        &["roles", "total_records"],
        &[
            "id",
            "name",
            "description",
            "type",
            "privileges",
            "total_members",
        ],
        &["members", "next_page_token", "page_size", "total_records"],
        &["ids", "add_at"],
        &["code", "message", "errors"],
        &[
            "id",
            "email",
            "first_name",
            "last_name",
            "role_id",
            "role_name",
            "type",
            "status",
        ],
        &["access_token", "token_type", "expires_in", "scope"],
        &["error", "reason"],
    ];
    (
        prop::sample::select(shapes),
        prop::collection::vec(json_text(), 8),
    )
        .prop_map(|(keys, values)| {
            let fields: Vec<String> = keys
                .iter()
                .zip(values)
                .map(|(k, v)| format!("\"{k}\":{v}"))
                .collect();
            format!("{{{}}}", fields.join(","))
        })
        .boxed()
}

/// A valid token answer with a generated (possibly absurd) lifetime.
fn token_answer() -> BoxedStrategy<String> {
    (json_scalar(), any::<bool>())
        .prop_map(|(expires_in, with_scope)| {
            let scope = if with_scope { ",\"scope\":\"role:read:admin\"" } else { "" };
            format!(
                "{{\"access_token\":\"tok\",\"token_type\":\"bearer\",\"expires_in\":{expires_in}{scope}}}"
            )
        })
        .boxed()
}

fn body() -> BoxedStrategy<Vec<u8>> {
    let json = prop_oneof![json_text(), zoom_shaped()];
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..256),
        2 => json_text().prop_map(String::into_bytes),
        3 => zoom_shaped().prop_map(String::into_bytes),
        1 => (json, any::<prop::sample::Index>()).prop_map(|(text, cut)| {
            let bytes = text.into_bytes();
            let at = cut.index(bytes.len() + 1);
            bytes[..at].to_vec()
        }),
        1 => Just(Vec::new()),
        1 => prop::sample::select(vec![" ", "null", "[]", "{}", "\"\"", "0", "{\"code\":124}", "{\"code\":300,\"message\":\"x\"}"])
            .prop_map(|s| s.as_bytes().to_vec()),
    ]
    .boxed()
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop::sample::select(vec![
        "retry-after",
        "x-ratelimit-type",
        "x-ratelimit-category",
        "x-zm-trackingid",
        "content-type",
    ]);
    let value = prop_oneof![
        prop::sample::select(vec![
            "0",
            "1",
            "-1",
            "1.5",
            "nan",
            "18446744073709551616",
            "99999999999999999999",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Daily-limit",
            "QPS",
            "application/json",
            "",
        ])
        .prop_map(str::to_string),
        "[ -~]{0,30}",
    ];
    prop::collection::vec((name.prop_map(str::to_string), value), 0..3)
}

fn answer_strategy(body: BoxedStrategy<Vec<u8>>) -> impl Strategy<Value = Answer> {
    (status(), headers(), body).prop_map(|(status, headers, body)| Answer {
        status,
        headers,
        body,
    })
}

fn answers() -> impl Strategy<Value = Answers> {
    let token_body = prop_oneof![
        2 => token_answer().prop_map(String::into_bytes).boxed(),
        1 => body(),
    ]
    .boxed();
    let token = answer_strategy(token_body);
    (answer_strategy(body()), token).prop_map(|(api, token)| Answers { api, token })
}

fn client(addr: SocketAddr, auth: Auth) -> ZoomClient {
    let mut cfg = ClientConfig::new(auth);
    cfg.api_url = format!("http://{addr}/v2").parse().unwrap();
    cfg.max_attempts = 1;
    cfg.request_timeout = Duration::from_secs(2);
    cfg.retry_budget = Duration::from_millis(50);
    cfg.backoff_initial = Duration::from_millis(1);
    cfg.backoff_max = Duration::from_millis(2);
    cfg.rate_limits = RateLimits::unlimited();
    ZoomClient::new(cfg).expect("client builds")
}

/// Longest any one call may take: one attempt with its `request_timeout`, plus slack.
const CALL_LIMIT: Duration = Duration::from_secs(4);
/// What create_role gets: see [`call_everything`].
const CREATE_LIMIT: Duration = Duration::from_millis(25);

/// Every client method once; each must come back (Ok or Err) without panicking, and
/// within [`CALL_LIMIT`]. Answers how many succeeded, or which call hung.
async fn call_everything(c: &ZoomClient) -> Result<usize, String> {
    let create = CreateRole {
        name: "Auditors".into(),
        description: Some("d".into()),
        role_type: None,
        privileges: vec!["User:Read".into()],
    };
    let update = UpdateRole {
        name: Some("Auditors 2".into()),
        description: None,
        privileges: Some(vec![]),
    };
    let one = [MemberRef::Email("a@b.co".into())];
    let many: Vec<MemberRef> = (0..31).map(|i| MemberRef::Id(format!("u{i}"))).collect();
    let mut oks = 0;
    macro_rules! call {
        ($name:literal, $fut:expr) => {
            match tokio::time::timeout(CALL_LIMIT, $fut).await {
                Ok(r) => oks += usize::from(r.is_ok()),
                Err(_) => return Err(format!("{} did not return within {CALL_LIMIT:?}", $name)),
            }
        };
    }
    call!("list_roles", c.list_roles(None));
    call!("list_roles(iq)", c.list_roles(Some("iq")));
    call!("find_role_by_name", c.find_role_by_name("Auditors", None));
    call!("get_role", c.get_role("r1"));
    // A 2xx without an id makes create_role look for the role in the list, pausing 250 ms
    // and 1 s between looks (read-after-write lag). The answer and the first look are
    // parsed within a few milliseconds; cutting the call there keeps 300 cases quick.
    let _ = tokio::time::timeout(CREATE_LIMIT, c.create_role(&create)).await;
    call!("update_role", c.update_role("r1", &update));
    call!("delete_role", c.delete_role("r1"));
    call!("list_members", c.list_members("r1"));
    call!("assign_members(1)", c.assign_members("r1", &one));
    call!("assign_members(31)", c.assign_members("r1", &many));
    call!("unassign_member", c.unassign_member("r1", "u1"));
    call!("get_user", c.get_user("a@b.co"));
    Ok(oks)
}

#[test]
fn client_survives_any_answer() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stub = Stub {
        answers: Arc::new(Mutex::new(Answers {
            api: Answer {
                status: 200,
                headers: vec![],
                body: b"{}".to_vec(),
            },
            token: Answer {
                status: 200,
                headers: vec![],
                body: b"{}".to_vec(),
            },
        })),
        requests: Arc::new(AtomicU64::new(0)),
    };
    let addr = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().fallback(answer).with_state(stub.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    });
    let static_client = client(addr, Auth::access_token("t"));
    let creds_auth = Auth::ClientCredentials {
        account_id: "acct".into(),
        client_id: "cid".into(),
        client_secret: Secret::new("secret"),
        token_url: format!("http://{addr}/oauth/token").parse().unwrap(),
    };
    // Building a client costs ~30 ms (TLS roots) in a debug build: rebuild only when needed.
    let creds_client = std::cell::RefCell::new(client(addr, creds_auth.clone()));
    let cached = std::cell::Cell::new(false);

    let oks = std::cell::Cell::new(0usize);
    let cases = std::cell::Cell::new(0u64);
    runner(300)
        .run(&answers(), |answers| {
            let may_cache = (200..300).contains(&answers.token.status)
                && serde_json::from_slice::<serde_json::Value>(&answers.token.body)
                    .ok()
                    .and_then(|v| v.get("access_token").cloned())
                    .is_some_and(|t| t.as_str().is_some_and(|t| !t.is_empty()));
            *stub.answers.lock().unwrap() = answers;
            cases.set(cases.get() + 1);
            rt.block_on(async {
                let n = call_everything(&static_client)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("access token: {e}")))?;
                oks.set(oks.get() + n);
                // Once a token answer was usable the client caches the token; a fresh
                // client makes this case parse its token answer again.
                if cached.replace(may_cache) {
                    *creds_client.borrow_mut() = client(addr, creds_auth.clone());
                }
                let creds = creds_client.borrow().clone();
                let n = call_everything(&creds)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("client credentials: {e}")))?;
                oks.set(oks.get() + n);
                Ok::<(), TestCaseError>(())
            })?;
            Ok(())
        })
        .unwrap();
    let requests = stub.requests.load(Ordering::Relaxed);
    let (cases, oks) = (cases.get(), oks.get());
    // The stub really was asked, and some answers were good enough to succeed with.
    assert!(
        requests >= cases * 12,
        "{requests} requests for {cases} cases"
    );
    assert!(oks > 0, "no call ever succeeded");
}

/// A token endpoint answering `expires_in` beyond what `Instant` can hold once made the
/// client panic; the lifetime is now capped.
#[test]
fn token_lifetime_beyond_what_instant_holds_does_not_panic() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().fallback(|| async {
            r#"{"access_token":"tok","token_type":"bearer","expires_in":1e86,"roles":[]}"#
        });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let c = client(
            addr,
            Auth::ClientCredentials {
                account_id: "acct".into(),
                client_id: "cid".into(),
                client_secret: Secret::new("secret"),
                token_url: format!("http://{addr}/oauth/token").parse().unwrap(),
            },
        );
        let _ = c.list_roles(None).await;
    });
}
