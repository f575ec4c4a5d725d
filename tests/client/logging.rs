//! The client's `tracing` output: one debug event per request with method, path, status,
//! duration and tracking id, and never a secret (client secret, Basic credentials, token).

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::support::{config, start, CLIENT_ID, CLIENT_SECRET};
use base64::Engine;
use terraform_provider_zoom::sim::{FaultKind, ScriptedFault, SimConfig};
use terraform_provider_zoom::zoom::{Auth, ZoomClient};

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buf {
    type Writer = Buf;
    fn make_writer(&'a self) -> Buf {
        self.clone()
    }
}

/// Only the client's own events (targets `zoom` and `zoom::auth`).
fn client_lines(buf: &Buf) -> Vec<String> {
    let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    text.lines()
        .filter(|l| l.contains(" zoom:") || l.contains(" zoom::auth:"))
        .map(str::to_owned)
        .collect()
}

fn subscriber(buf: &Buf) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(buf.clone())
        .finish()
}

#[tokio::test]
async fn requests_are_logged_without_secrets() {
    let buf = Buf::default();
    let _guard = tracing::subscriber::set_default(subscriber(&buf));

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

    let lines = client_lines(&buf);
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
