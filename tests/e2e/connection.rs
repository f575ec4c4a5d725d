//! Where Zoom is, through real Terraform: an unreachable token endpoint or API is named by
//! its host (never the URL's query string) with the setting to fix, and Zoom for
//! Government switches both URLs (seen through a dead proxy, so no request leaves the
//! machine) while explicit URLs still win.

use crate::support::sim::zoom;
use crate::support::terraform::{required_providers, Terraform, Workspace};

const USER: &str = r#"
data "zoom_user" "paul" {
  email = "user1@example.com"
}
"#;

fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn an_unreachable_host_is_named_with_its_setting(tf: &Terraform) {
    let zoom = zoom(1);
    let port = dead_port();
    let ws = Workspace::new(tf);
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

fn zoom_for_government_keeps_explicit_urls(tf: &Terraform) {
    let zoom = zoom(1);
    let mut ws = Workspace::new(tf);
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

fn zoom_for_government_alone_sends_the_token_request_to_zoomgov(tf: &Terraform) {
    // No Zoom here: every HTTPS request goes to a proxy that isn't listening, so the
    // provider can't reach anything, and its diagnostic shows which host it tried.
    let mut ws = Workspace::new(tf);
    let proxy = format!("http://127.0.0.1:{}", dead_port());
    ws.env("HTTPS_PROXY", &proxy)
        .env("https_proxy", &proxy)
        .env("NO_PROXY", "")
        .env("ZOOM_FOR_GOVERNMENT", "true");
    ws.config(&format!(
        r#"{}
provider "zoom" {{
  account_id    = "acct"
  client_id     = "cid"
  client_secret = "secret"
  max_attempts  = 1
}}
{USER}"#,
        required_providers()
    ));
    ws.init();
    let run = ws.plan().failed_cleanly("gov");
    let flat = run
        .stderr()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains("could not connect to zoomgov.com"), "{run}");
    assert!(
        flat.contains("check token_url (or the ZOOM_TOKEN_URL environment variable)"),
        "{run}"
    );
    assert!(
        !flat.contains("connect to zoom.us") && !flat.contains("connect to api.zoom.us"),
        "nothing went to the public hosts: {run}"
    );

    // With a ready-made token the first request is to the API: api.zoomgov.com.
    ws.config(&format!(
        r#"{}
provider "zoom" {{
  access_token = "tok"
  max_attempts = 1
}}
{USER}"#,
        required_providers()
    ));
    let run = ws.plan().failed_cleanly("gov api");
    let flat = run
        .stderr()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("could not connect to api.zoomgov.com"),
        "{run}"
    );
    assert!(
        flat.contains("check api_url (or the ZOOM_API_URL environment variable)"),
        "{run}"
    );
}

cases![
    tf an_unreachable_host_is_named_with_its_setting,
    tf zoom_for_government_keeps_explicit_urls,
    tf zoom_for_government_alone_sends_the_token_request_to_zoomgov,
];
