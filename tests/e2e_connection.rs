//! Where Zoom is, through real Terraform: an unreachable token endpoint or API is named by
//! its host (never the URL's query string) with the setting to fix, and Zoom for
//! Government switches both URLs while explicit URLs still win.

mod support;

use support::sim::zoom;
use support::terraform::{required_providers, terraform, Workspace};

const USER: &str = r#"
data "zoom_user" "paul" {
  email = "user1@example.com"
}
"#;

fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn an_unreachable_host_is_named_with_its_setting() {
    let Some(tf) = terraform() else { return };
    let zoom = zoom(1);
    let port = dead_port();
    let ws = Workspace::new(&tf);
    for (setting, env, api_url, token_url) in [
        (
            "token_url",
            "ZOOM_TOKEN_URL",
            zoom.sim.api_url(),
            format!("http://127.0.0.1:{port}/oauth/token?secret_hint=do-not-show"),
        ),
        (
            "api_url",
            "ZOOM_API_URL",
            format!("http://127.0.0.1:{port}/v2?secret_hint=do-not-show"),
            zoom.sim.token_url(),
        ),
    ] {
        ws.config(&format!(
            r#"{}
provider "zoom" {{
  account_id    = "sim-account"
  client_id     = "sim-client"
  client_secret = "sim-secret"
  api_url       = "{api_url}"
  token_url     = "{token_url}"
  max_attempts  = 1
}}
{USER}"#,
            required_providers()
        ));
        ws.init();
        let run = ws.plan().failed_cleanly(setting);
        let block = run
            .diagnostic("Zoom API unavailable")
            .unwrap_or_else(|| panic!("{setting}: {run}"));
        let flat = block.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(&format!("could not connect to 127.0.0.1:{port}")),
            "{setting}: {block}"
        );
        assert!(
            flat.contains(&format!(
                "check {setting} (or the {env} environment variable)"
            )),
            "{setting}: {block}"
        );
        assert!(!run.stderr().contains("do-not-show"), "{setting}: {run}");
    }
}

#[test]
fn zoom_for_government_keeps_explicit_urls() {
    let Some(tf) = terraform() else { return };
    let zoom = zoom(1);
    let mut ws = Workspace::new(&tf);
    // The URLs come from the environment, the switch from the block: explicit URLs win.
    ws.env("ZOOM_API_URL", &zoom.sim.api_url())
        .env("ZOOM_TOKEN_URL", &zoom.sim.token_url());
    ws.config(&format!(
        r#"{}
provider "zoom" {{
  account_id          = "sim-account"
  client_id           = "sim-client"
  client_secret       = "sim-secret"
  zoom_for_government = true
}}
{USER}
output "role" {{
  value = data.zoom_user.paul.role_id
}}
"#,
        required_providers()
    ));
    ws.init();
    let run = ws.apply();
    assert!(run.success(), "{run}");
    assert!(run.stdout().contains("role = \"2\""), "{run}");
}
