//! The plugin core through real Terraform (1.15.5 and the oldest supported, 1.0.3): init from
//! a filesystem mirror, validate, schema, plan, provider logs under TF_LOG, and provider
//! block mistakes reported as diagnostics on the right attribute.

use crate::support::sim::{zoom, zoom_with_token};
use crate::support::terraform::{required_providers, Terraform, Workspace};

/// Just the provider block: Terraform loads the provider but never configures it.
fn provider_only(body: &str) -> String {
    format!(
        "{}\nprovider \"zoom\" {{\n{body}\n}}\n",
        required_providers()
    )
}

/// The provider block plus a resource, so Terraform validates and configures the provider.
fn provider_block(body: &str) -> String {
    format!(
        "{}\nresource \"zoom_role\" \"example\" {{\n  name = \"Example\"\n}}\n",
        provider_only(body)
    )
}

fn schema_and_plan(tf: &Terraform) {
    let ws = Workspace::new(tf);
    ws.config(&provider_only(
        "  access_token = \"not-used-without-resources\"\n  api_url      = \"http://127.0.0.1:9/v2\"",
    ));
    ws.init();
    ws.run(&["validate", "-no-color"]).ok();
    let schema = ws.run(&["providers", "schema", "-json"]).ok();
    let schema: serde_json::Value = serde_json::from_str(&schema.stdout()).unwrap();
    let provider = &schema["provider_schemas"]["registry.terraform.io/zoom-community/zoom"]
        ["provider"]["block"]["attributes"];
    let attrs = provider.as_object().expect("provider attributes");
    for name in [
        "account_id",
        "client_id",
        "client_secret",
        "access_token",
        "api_url",
        "token_url",
    ] {
        assert!(attrs.contains_key(name), "{name} missing from schema");
    }
    for (name, attr) in attrs {
        let desc = attr["description"].as_str().unwrap_or_default();
        assert!(desc.len() > 20, "{name} is not described");
        let sensitive = attr["sensitive"].as_bool().unwrap_or(false);
        assert_eq!(
            sensitive,
            name == "client_secret" || name == "access_token",
            "{name} sensitivity"
        );
    }
    ws.assert_plan_empty();
}

fn terraform_1_15_inits_validates_and_plans(tf: &Terraform) {
    schema_and_plan(tf);
}

fn terraform_1_0_inits_validates_and_plans(tf: &Terraform) {
    schema_and_plan(tf);
}

fn tf_log_debug_shows_provider_lines_as_debug_entries(tf: &Terraform) {
    let zoom = zoom(1);
    let mut ws = Workspace::new(tf);
    ws.config(&format!(
        "{}\n{}\nresource \"zoom_role\" \"example\" {{\n  name = \"Example\"\n}}\n",
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();
    ws.env("TF_LOG", "DEBUG");
    let run = ws.plan().ok();
    let stderr = run.stderr();
    let line = stderr
        .lines()
        .find(|l| l.contains("provider configured"))
        .unwrap_or_else(|| panic!("no provider log line in:\n{stderr}"));
    assert!(line.contains("[DEBUG]"), "{line}");
    assert!(line.contains("provider.terraform-provider-zoom"), "{line}");
    assert!(
        !stderr.contains("\"@message\""),
        "JSON lines were parsed, not echoed"
    );
    assert!(
        !stderr.contains("sim-secret"),
        "the client secret never reaches the log"
    );
}

/// `terraform validate -json` diagnostics as (summary, detail, snippet code).
fn validate_diags(ws: &Workspace) -> Vec<(String, String, String)> {
    let run = ws.run(&["validate", "-json", "-no-color"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).expect("validate -json");
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["summary"].as_str().unwrap_or_default().to_string(),
                d["detail"].as_str().unwrap_or_default().to_string(),
                d["snippet"]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

fn malformed_urls_are_diagnosed_at_the_attribute_by_validate(tf: &Terraform) {
    let ws = Workspace::new(tf);
    ws.config(&provider_block(
        "  access_token = \"x\"\n  api_url      = \"api.zoom.us/v2\"\n  token_url    = \"ftp://zoom.us/token\"",
    ));
    ws.init();
    let diags = validate_diags(&ws);
    let api = diags
        .iter()
        .find(|d| d.0 == "Invalid api_url")
        .expect("api_url diagnostic");
    assert!(
        api.2.contains("api_url"),
        "points at the attribute: {api:?}"
    );
    assert!(api.1.contains("ZOOM_API_URL"), "{api:?}");
    let token = diags
        .iter()
        .find(|d| d.0 == "Invalid token_url")
        .expect("token_url diagnostic");
    assert!(token.2.contains("token_url"), "{token:?}");
}

fn conflicting_credentials_are_diagnosed_by_validate(tf: &Terraform) {
    let ws = Workspace::new(tf);
    ws.config(&provider_block(
        "  access_token = \"x\"\n  client_id    = \"y\"",
    ));
    ws.init();
    let diags = validate_diags(&ws);
    let d = diags
        .iter()
        .find(|d| d.0 == "Conflicting Zoom credentials")
        .expect("conflict diagnostic");
    assert!(d.2.contains("access_token"), "{d:?}");
}

fn credential_mistakes_are_clear_at_plan(tf: &Terraform) {
    let mut ws = Workspace::new(tf);
    ws.config(&provider_block("  client_id = \"abc\""));
    ws.init();
    let run = ws.plan().failed();
    let stderr = run.stderr();
    assert!(stderr.contains("Missing account_id"), "{run}");
    assert!(stderr.contains("Missing client_secret"), "{run}");
    assert!(stderr.contains("ZOOM_CLIENT_SECRET"), "{run}");

    ws.config(&provider_block(""));
    let run = ws.plan().failed();
    assert!(run.stderr().contains("No Zoom credentials"), "{run}");

    // Environment variables complete the block, and their mistakes name the variable.
    ws.env("ZOOM_ACCOUNT_ID", "acc")
        .env("ZOOM_CLIENT_SECRET", "sec")
        .env("ZOOM_API_URL", "not a url");
    ws.config(&provider_block("  client_id = \"abc\""));
    let run = ws.plan().failed();
    assert!(run.stderr().contains("Invalid api_url"), "{run}");
    assert!(run.stderr().contains("ZOOM_API_URL"), "{run}");
    assert!(!run.stderr().contains("sec\""), "secret not echoed: {run}");
}

fn provider_values_unknown_at_plan_time_are_handled(tf: &Terraform) {
    let zoom = zoom_with_token(1, "static-token-for-tests");
    let ws = Workspace::new(tf);
    ws.config(&format!(
        r#"{}
resource "terraform_data" "token" {{
  input = "static-token-for-tests"
}}

provider "zoom" {{
  access_token = terraform_data.token.output
  api_url      = "{}"
}}

resource "zoom_role" "example" {{
  name = "Example"
}}
"#,
        required_providers(),
        zoom.sim.api_url()
    ));
    ws.init();
    ws.plan().ok();
    ws.apply().ok();
    assert!(zoom.role_id_by_name("Example").is_some());
    ws.assert_plan_empty();
}

fn debug_mode_serves_terraform_through_tf_reattach_providers(tf: &Terraform) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let zoom = zoom(2);
    let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-zoom"))
        .arg("--debug")
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reattach = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            reattach = rest.trim_end_matches('\'').to_string();
            break;
        }
    }
    let parsed: serde_json::Value = serde_json::from_str(&reattach).expect("reattach JSON");
    let entry = &parsed["registry.terraform.io/zoom-community/zoom"];
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Pid"], child.id());

    let mut ws = Workspace::new(tf);
    ws.env("TF_REATTACH_PROVIDERS", &reattach);
    ws.config(&format!(
        "{}\n{}\nresource \"zoom_role_membership\" \"m\" {{\n  role_id = \"1\"\n  email   = \"user2@example.com\"\n}}\n",
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();
    ws.apply().ok();
    let still_running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(zoom.role_of("u00002"), "1");
    assert!(still_running, "a debug provider outlives the Terraform run");
}

/// go-plugin's TCP transport (Windows' only one), chosen here with `ZOOM_PLUGIN_TRANSPORT`:
/// Terraform dials 127.0.0.1 with the same handshake and AutoMTLS, and a whole lifecycle
/// works over it.
fn lifecycle_over_tcp(tf: &Terraform) {
    let zoom = zoom(3);
    let mut ws = Workspace::new(tf);
    ws.config(&format!(
        "{}\n{}\nresource \"zoom_role\" \"tcp\" {{\n  name = \"Over TCP\"\n}}\n\nresource \"zoom_role_membership\" \"one\" {{\n  role_id = zoom_role.tcp.id\n  email   = \"user1@example.com\"\n}}\n",
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();
    let log = ws.path().join("terraform.log");
    ws.env("ZOOM_PLUGIN_TRANSPORT", "tcp")
        .env("TF_LOG", "DEBUG")
        .env("TF_LOG_PATH", log.to_str().unwrap());
    ws.apply().ok();
    let role = zoom
        .role_id_by_name("Over TCP")
        .expect("role created over TCP");
    assert_eq!(zoom.role_of("user1@example.com"), role);
    ws.assert_plan_empty();

    // Every provider process Terraform started told it (the handshake line) to dial TCP on
    // loopback with AutoMTLS, and Terraform did: the apply above went through them.
    let log = std::fs::read_to_string(&log).expect("Terraform's log");
    let serving: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("terraform-provider-zoom") && l.contains(": serving:"))
        .collect();
    assert!(
        serving.len() >= 3,
        "one line per provider process: {serving:#?}"
    );
    for line in &serving {
        assert!(
            line.contains("network=tcp")
                && line.contains("address=127.0.0.1:")
                && line.contains("tls=true"),
            "{line}"
        );
    }
    let started = log
        .lines()
        .filter(|l| l.contains("starting plugin"))
        .count();
    assert_eq!(
        started,
        serving.len(),
        "every provider process served over TCP"
    );

    ws.run(&["destroy", "-no-color", "-auto-approve"]).ok();
    assert_eq!(zoom.role_id_by_name("Over TCP"), None);
    assert_eq!(zoom.role_of("user1@example.com"), "2");
}

fn terraform_1_15_speaks_to_the_provider_over_tcp(tf: &Terraform) {
    lifecycle_over_tcp(tf);
}

fn terraform_1_0_speaks_to_the_provider_over_tcp(tf: &Terraform) {
    lifecycle_over_tcp(tf);
}

cases![
    tf terraform_1_15_inits_validates_and_plans,
    tf_1_0 terraform_1_0_inits_validates_and_plans,
    tf tf_log_debug_shows_provider_lines_as_debug_entries,
    tf malformed_urls_are_diagnosed_at_the_attribute_by_validate,
    tf conflicting_credentials_are_diagnosed_by_validate,
    tf credential_mistakes_are_clear_at_plan,
    tf provider_values_unknown_at_plan_time_are_handled,
    tf debug_mode_serves_terraform_through_tf_reattach_providers,
    tf terraform_1_15_speaks_to_the_provider_over_tcp,
    tf_1_0 terraform_1_0_speaks_to_the_provider_over_tcp,
];
