//! Shared setup for the client integration tests: a simulator and a client wired to it.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use terraform_provider_zoom::sim::{self, SimConfig, SimHandle};
use terraform_provider_zoom::zoom::{Auth, ClientConfig, RateLimits, Secret, ZoomClient};

/// Credentials the simulator accepts by default.
pub const ACCOUNT: &str = "sim-account";
pub const CLIENT_ID: &str = "sim-client";
pub const CLIENT_SECRET: &str = "sim-secret";

pub async fn start(cfg: SimConfig) -> SimHandle {
    sim::spawn(cfg).await.expect("simulator starts")
}

/// Client credentials against `sim`, quick backoff, no client-side rate limits.
pub fn config(sim: &SimHandle) -> ClientConfig {
    let mut cfg = ClientConfig::new(Auth::ClientCredentials {
        account_id: ACCOUNT.into(),
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(CLIENT_SECRET),
        token_url: sim.token_url().parse().unwrap(),
    });
    cfg.api_url = sim.api_url().parse().unwrap();
    cfg.request_timeout = Duration::from_secs(10);
    cfg.retry_budget = Duration::from_secs(30);
    cfg.backoff_initial = Duration::from_millis(10);
    cfg.backoff_max = Duration::from_millis(200);
    cfg.rate_limits = RateLimits::unlimited();
    cfg
}

pub fn client(sim: &SimHandle) -> ZoomClient {
    ZoomClient::new(config(sim)).expect("client builds")
}

/// Users `u00001..=u{n}` as `MemberRef::Id`.
pub fn ids(
    range: std::ops::RangeInclusive<usize>,
) -> Vec<terraform_provider_zoom::zoom::MemberRef> {
    range
        .map(|i| terraform_provider_zoom::zoom::MemberRef::Id(format!("u{i:05}")))
        .collect()
}

/// The `tracing` output of this thread while the guard lives (debug and up, no colours).
#[derive(Clone, Default)]
pub struct LogBuf(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuf {
    type Writer = LogBuf;
    fn make_writer(&'a self) -> LogBuf {
        self.clone()
    }
}

/// Captures this thread's `tracing` events (a `#[tokio::test]` runs the client on it).
pub fn capture_logs() -> (LogBuf, tracing::subscriber::DefaultGuard) {
    let buf = LogBuf::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(buf.clone())
        .finish();
    (buf.clone(), tracing::subscriber::set_default(subscriber))
}

impl LogBuf {
    /// Only the client's own events (targets `zoom` and `zoom::auth`).
    pub fn client_lines(&self) -> Vec<String> {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .filter(|l| l.contains(" zoom:") || l.contains(" zoom::auth:"))
            .map(str::to_owned)
            .collect()
    }

    /// The waits the client chose before each retry (`delay_ms` of its "retrying" events),
    /// in order. What it decided, read from its own words, rather than a stopwatch.
    pub fn retry_delays_ms(&self) -> Vec<u64> {
        self.client_lines()
            .iter()
            .filter(|l| l.contains(" retrying "))
            .map(|l| {
                let at = l.find("delay_ms=").expect("retrying event has delay_ms") + 9;
                let digits: String = l[at..].chars().take_while(char::is_ascii_digit).collect();
                digits.parse().expect("delay_ms is a number")
            })
            .collect()
    }
}
