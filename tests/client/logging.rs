//! The client's `tracing` output: one debug event per request with method, path, status,
//! duration and tracking id, and never a secret (client secret, Basic credentials, token).

use crate::support::{capture_logs, config, start, CLIENT_ID, CLIENT_SECRET};
use base64::Engine;
use terraform_provider_zoom::sim::{FaultKind, ScriptedFault, SimConfig};
use terraform_provider_zoom::zoom::{Auth, ZoomClient};

#[tokio::test]
async fn requests_are_logged_without_secrets() {
    let (buf, _guard) = capture_logs();

    let sim = start(
        SimConfig::default()
            .with_seed(40)
            .with_static_token("static-token-secret-42"),
    )
    .await;
    let c = ZoomClient::new(config(&sim)).unwrap();
    c.list_roles(None).await.unwrap();
    sim.push_fault(ScriptedFault {
        route: "GET /roles/{roleId}".into(),
        kind: FaultKind::InvalidToken,
        count: 1,
    });
    c.get_role("1").await.unwrap();
    let _ = c.get_role("missing").await;

    let mut cfg = config(&sim);
    cfg.auth = Auth::access_token("static-token-secret-42");
    let s = ZoomClient::new(cfg).unwrap();
    s.get_user("u00001").await.unwrap();

    let lines = buf.client_lines();
    let all = lines.join("\n");
    assert!(lines.len() >= 5, "{all}");
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    for secret in [
        CLIENT_SECRET,
        basic.as_str(),
        "static-token-secret-42",
        "Bearer",
        "authorization",
    ] {
        assert!(!all.contains(secret), "{secret} leaked:\n{all}");
    }
    let request = lines
        .iter()
        .find(|l| l.contains("operation=\"list_roles\"") || l.contains("operation=list_roles"))
        .unwrap_or_else(|| panic!("no list_roles event:\n{all}"));
    for field in [
        "method=GET",
        "path=\"/v2/roles\"",
        "status=200",
        "duration_ms=",
        "tracking_id=\"v=2.0",
    ] {
        assert!(request.contains(field), "{field} missing in {request}");
    }
    assert!(all.contains("token fetch"), "{all}");
    assert!(all.contains("token rejected, renewing"), "{all}");
    assert!(all.contains("status=400"), "{all}");
}
