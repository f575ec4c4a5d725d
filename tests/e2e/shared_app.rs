//! One Server-to-Server OAuth app shared by several runs: with the simulator keeping one
//! live token per app (a new token ends the older ones, as Zoom has done), another client
//! takes a new token every 300 ms while Terraform applies 60 memberships. Every request
//! whose token was ended renews it (as often as needed, all waiting on one fetch), so the
//! apply succeeds in one run and Zoom ends up as configured.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::sim::{user_id, zoom_with};
use crate::support::terraform::{required_providers, Terraform, Workspace};

/// Takes a new token through the OAuth endpoint every `every` until stopped, as a second
/// pipeline with the same app's credentials would.
struct TokenThief {
    stop: Arc<AtomicBool>,
    taken: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TokenThief {
    fn start(token_url: String, every: Duration) -> TokenThief {
        let stop = Arc::new(AtomicBool::new(false));
        let taken = Arc::new(AtomicU64::new(0));
        let (s, t) = (stop.clone(), taken.clone());
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let http = reqwest::Client::new();
                while !s.load(Ordering::Relaxed) {
                    let resp = http
                        .post(&token_url)
                        .basic_auth("sim-client", Some("sim-secret"))
                        .form(&[
                            ("grant_type", "account_credentials"),
                            ("account_id", "sim-account"),
                        ])
                        .send()
                        .await;
                    if resp.is_ok_and(|r| r.status().is_success()) {
                        t.fetch_add(1, Ordering::Relaxed);
                    }
                    tokio::time::sleep(every).await;
                }
            });
        });
        TokenThief {
            stop,
            taken,
            thread: Some(thread),
        }
    }

    fn stop(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        self.taken.load(Ordering::Relaxed)
    }
}

fn an_apply_of_60_memberships_survives_another_client_taking_tokens(tf: &Terraform) {
    // A network delay of 30-80 ms each way to Zoom: a token can be ended between the
    // moment it is issued and the moment a request carrying it arrives, so a request can
    // meet several ended tokens in a row.
    let zoom = zoom_with(60, |s| {
        s.single_token = true;
        s.latency_min_ms = 30;
        s.latency_max_ms = 80;
    });
    let ws = Workspace::new(tf);
    ws.config(&format!(
        r#"{}
{}
resource "zoom_role" "auditors" {{
  name       = "Auditors"
  privileges = ["User:Read"]
}}

resource "zoom_role_membership" "m" {{
  for_each = toset([for i in range(1, 61) : format("user%d@example.com", i)])
  role_id  = zoom_role.auditors.id
  email    = each.key
}}
"#,
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();

    zoom.reset_stats();
    let thief = TokenThief::start(zoom.sim.token_url(), Duration::from_millis(300));
    let run = ws.apply();
    let taken = thief.stop();
    assert!(run.success(), "{run}");
    assert!(
        run.stdout().contains("61 added, 0 changed, 0 destroyed"),
        "{run}"
    );
    let stats = zoom.sim.stats();
    let rejected: u64 = stats
        .by_route_status
        .iter()
        .filter(|(route, _)| route.as_str() != "POST /oauth/token")
        .filter_map(|(_, by_status)| by_status.get("401"))
        .sum();
    assert!(taken >= 3, "the other client took {taken} tokens");
    assert!(
        rejected > 0,
        "the apply met ended tokens (else this proves nothing): {stats:?}"
    );
    let auditors = zoom.role_id_by_name("Auditors").unwrap();
    for i in 1..=60 {
        assert_eq!(zoom.role_of(&user_id(i)), auditors, "user{i}");
    }
    eprintln!(
        "other client took {taken} tokens; the apply met {rejected} ended tokens and fetched {} tokens",
        stats.count("POST /oauth/token") - taken
    );
}

cases![
    tf an_apply_of_60_memberships_survives_another_client_taking_tokens,
];
