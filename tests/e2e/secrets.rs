//! Credentials never leave the provider: with `TF_LOG=trace`, a whole lifecycle (init, saved
//! plan, apply of that plan, empty plan, import, destroy) of a zoom_role and two
//! zoom_role_memberships runs against zoom-sim, once with client credentials and once with
//! a static access token. The secret (a long unique marker) and every access token the
//! simulator issued must appear nowhere: not on stdout or stderr of any command, not in
//! the `TF_LOG_PATH` file, not in `terraform.tfstate` (or its backup, or any other file
//! Terraform wrote), not in `terraform show -json` of the state or of the saved plan.
//!
//! Each lifecycle runs twice: once logging to a `TF_LOG_PATH` file, once logging to
//! stderr. Sanity checks make sure the test could fail: the marker is in `main.tf`, the
//! simulator only accepts that exact credential, and the logs hold provider lines.

use std::path::{Path, PathBuf};

use crate::support::sim::Zoom;
use crate::support::terraform::{required_providers, Run, Terraform, Workspace};
use base64::Engine;
use terraform_provider_zoom::sim::{self, SimConfig};

/// A long marker nobody else would write; its random core is what is searched for, so a
/// partly printed or re-quoted secret is caught too.
fn marker(kind: &str) -> (String, String) {
    let core = format!("{:032x}", rand::random::<u128>());
    (format!("{kind}-marker-{core}-do-not-log"), core)
}

enum Cred {
    ClientSecret(String),
    AccessToken(String),
}

fn start_sim(cred: &Cred) -> Zoom {
    let mut config = SimConfig::default().with_users(3).with_seed(7);
    match cred {
        Cred::ClientSecret(secret) => config.client_secret = secret.clone(),
        Cred::AccessToken(token) => config = config.with_static_token(token),
    }
    Zoom {
        sim: sim::spawn_in_thread(config).expect("start zoom-sim"),
    }
}

fn config(zoom: &Zoom, cred: &Cred) -> String {
    let auth = match cred {
        Cred::ClientSecret(secret) => format!(
            "  account_id    = \"sim-account\"\n  client_id     = \"sim-client\"\n  client_secret = \"{secret}\"\n  token_url     = \"{}\"\n",
            zoom.sim.token_url()
        ),
        Cred::AccessToken(token) => format!("  access_token  = \"{token}\"\n"),
    };
    format!(
        r#"{}
provider "zoom" {{
{auth}  api_url       = "{}"
}}

resource "zoom_role" "auditors" {{
  name        = "Auditors"
  description = "Read-only auditors"
  privileges  = ["User:Read", "Report:Read"]
}}

resource "zoom_role_membership" "by_id" {{
  role_id = zoom_role.auditors.id
  user_id = "u00001"
}}

resource "zoom_role_membership" "by_email" {{
  role_id = zoom_role.auditors.id
  email   = "user2@example.com"
}}
"#,
        required_providers(),
        zoom.sim.api_url()
    )
}

/// Panics if any needle occurs in `text`, naming where and showing a little context.
fn assert_absent(needles: &[(String, String)], text: &str, where_: &str) {
    for (name, needle) in needles {
        if let Some(at) = text.find(needle.as_str()) {
            let context: String = text[at..].chars().take(needle.len() + 200).collect();
            panic!("{name} leaked into {where_} at byte {at}:\n{context}...");
        }
    }
}

/// The saved plan's JSON without the one place Terraform itself echoes the literal
/// credential: `configuration.provider_config.zoom.expressions.<attr>.constant_value`,
/// Terraform's verbatim copy of `main.tf` (the plan file holds the configuration, and
/// Terraform prints constant expressions whatever the schema says is sensitive). Checks
/// that the echo is there and holds the credential, then blanks it: anything left is the
/// provider's doing (planned values, prior state, private data, ...).
fn without_config_echo(plan_json: &str, cred: &Cred) -> String {
    let (attr, secret) = match cred {
        Cred::ClientSecret(s) => ("client_secret", s),
        Cred::AccessToken(t) => ("access_token", t),
    };
    let mut plan: serde_json::Value = serde_json::from_str(plan_json).expect("plan JSON");
    let echo = plan
        .pointer_mut(&format!(
            "/configuration/provider_config/zoom/expressions/{attr}/constant_value"
        ))
        .unwrap_or_else(|| panic!("no configuration echo of {attr} in {plan_json}"));
    assert_eq!(
        echo.as_str(),
        Some(secret.as_str()),
        "Terraform's echo of main.tf"
    );
    *echo = serde_json::Value::Null;
    plan.to_string()
}

/// Every file under `dir` but the provider binaries Terraform installed.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("dir entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            if meta.is_dir() {
                if !path.ends_with(".terraform/providers") {
                    todo.push(path);
                }
            } else if meta.is_file() {
                out.push(path);
            }
        }
    }
    out
}

/// What one lifecycle produced, for the leak checks.
struct Lifecycle {
    ws: Workspace,
    runs: Vec<Run>,
    /// `terraform show -json tfplan` (the saved plan).
    plan_json: String,
    /// `terraform show -json` of the state after the import, while resources exist.
    state_json: String,
    /// `terraform.tfstate` after the import, while resources exist.
    state_file: String,
}

const PLAN: &[&str] = &["plan", "-no-color", "-input=false"];

/// init, plan -out, show -json of the plan, apply of the plan, empty plan, state rm +
/// import (role by id, membership by role/email), empty plan, show -json, destroy.
fn lifecycle(tf: &Terraform, zoom: &Zoom, cred: &Cred, log_file: bool) -> Lifecycle {
    let mut ws = Workspace::new(tf);
    ws.env("TF_LOG", "trace");
    if log_file {
        let log = ws.path().join("tf.log");
        ws.env("TF_LOG_PATH", log.to_str().unwrap());
    }
    ws.config(&config(zoom, cred));
    let mut runs = Vec::new();

    runs.push(ws.init());
    runs.push(ws.run(&[PLAN, &["-out=tfplan"]].concat()).ok());
    let show_plan = ws.run(&["show", "-json", "tfplan"]).ok();
    let plan_json = show_plan.stdout();
    let plan: serde_json::Value = serde_json::from_str(&plan_json).expect("plan JSON");
    assert_eq!(
        plan["resource_changes"].as_array().map(Vec::len),
        Some(3),
        "the saved plan creates three resources: {plan_json}"
    );
    runs.push(show_plan);
    runs.push(
        ws.run(&[
            "apply",
            "-no-color",
            "-input=false",
            "-auto-approve",
            "tfplan",
        ])
        .ok(),
    );
    let role = zoom.role_id_by_name("Auditors").expect("role created");
    assert_eq!(zoom.role_of("u00001"), role);
    assert_eq!(zoom.role_of("user2@example.com"), role);

    let empty = ws.run(&[PLAN, &["-detailed-exitcode"]].concat());
    assert_eq!(empty.code(), 0, "expected an empty plan: {empty}");
    runs.push(empty);

    runs.push(
        ws.run(&[
            "state",
            "rm",
            "zoom_role.auditors",
            "zoom_role_membership.by_email",
        ])
        .ok(),
    );
    runs.push(
        ws.run(&[
            "import",
            "-no-color",
            "-input=false",
            "zoom_role.auditors",
            &role,
        ])
        .ok(),
    );
    runs.push(
        ws.run(&[
            "import",
            "-no-color",
            "-input=false",
            "zoom_role_membership.by_email",
            &format!("{role}/user2@example.com"),
        ])
        .ok(),
    );
    let empty = ws.run(&[PLAN, &["-detailed-exitcode"]].concat());
    assert_eq!(
        empty.code(),
        0,
        "expected an empty plan after import: {empty}"
    );
    runs.push(empty);

    let show_state = ws.run(&["show", "-json"]).ok();
    let state_json = show_state.stdout();
    assert!(
        state_json.contains("zoom_role_membership.by_email") && state_json.contains(&role),
        "show -json lists the resources: {state_json}"
    );
    runs.push(show_state);
    let state_file = ws.read("terraform.tfstate");
    assert!(
        state_file.contains(&role),
        "state file written: {state_file}"
    );

    runs.push(
        ws.run(&["destroy", "-no-color", "-input=false", "-auto-approve"])
            .ok(),
    );
    assert_eq!(zoom.role_id_by_name("Auditors"), None, "destroyed");
    assert_eq!(zoom.role_of("u00001"), "2");

    Lifecycle {
        ws,
        runs,
        plan_json,
        state_json,
        state_file,
    }
}

/// Runs the lifecycle twice (log file, then stderr) and checks every output and file for
/// `secret` (and, for client credentials, the Basic credential and the issued tokens).
fn secrets_stay_secret(tf: &Terraform, cred: Cred, core: &str) {
    let zoom = start_sim(&cred);

    for log_file in [true, false] {
        let life = lifecycle(tf, &zoom, &cred, log_file);

        // Sanity: the marker really is in the configuration Terraform read.
        assert!(
            life.ws.read("main.tf").contains(core),
            "the marker is in main.tf"
        );

        let mut needles = vec![("the secret".to_string(), core.to_string())];
        if let Cred::ClientSecret(s) = &cred {
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("sim-client:{s}"));
            needles.push(("the Basic credential".to_string(), basic));
        }
        let issued = zoom.sim.issued_tokens();
        match &cred {
            // Each provider process fetched its own token: several were issued.
            Cred::ClientSecret(_) => assert!(
                issued.len() >= 5,
                "tokens were issued through the OAuth exchange: {}",
                issued.len()
            ),
            Cred::AccessToken(_) => assert!(issued.is_empty(), "the static token was used"),
        }
        for (i, t) in issued.iter().enumerate() {
            assert!(t.len() >= 20, "a token long enough to search for");
            needles.push((format!("issued access token #{i}"), t.clone()));
        }

        for run in &life.runs {
            let name = format!("terraform {}", run.args.join(" "));
            if run.args != ["show", "-json", "tfplan"] {
                assert_absent(&needles, &run.stdout(), &format!("stdout of {name}"));
            }
            assert_absent(&needles, &run.stderr(), &format!("stderr of {name}"));
        }
        assert_absent(
            &needles,
            &without_config_echo(&life.plan_json, &cred),
            "show -json of the saved plan",
        );
        assert_absent(&needles, &life.state_json, "show -json of the state");
        assert_absent(&needles, &life.state_file, "terraform.tfstate");

        // Every file Terraform left behind, but the configuration itself and the saved
        // plan (a zip that holds a copy of the configuration).
        let mut checked = Vec::new();
        for path in files_under(life.ws.path()) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name == "main.tf" || name == "tfplan" {
                continue;
            }
            let bytes = std::fs::read(&path).expect("read file");
            assert_absent(
                &needles,
                &String::from_utf8_lossy(&bytes),
                &path.display().to_string(),
            );
            checked.push(name);
        }
        assert!(
            checked.iter().any(|n| n == "terraform.tfstate")
                && checked.iter().any(|n| n == "terraform.tfstate.backup"),
            "state files checked: {checked:?}"
        );

        // The logs are real: provider lines at trace level, where a leak would show.
        let log = if log_file {
            assert!(checked.iter().any(|n| n == "tf.log"), "log file checked");
            life.ws.read("tf.log")
        } else {
            life.runs
                .iter()
                .map(Run::stderr)
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert!(
            log.len() > 10_000,
            "a trace log was written: {} bytes",
            log.len()
        );
        assert!(log.contains("[TRACE]"), "trace lines in the log");
        let provider_lines = log
            .lines()
            .filter(|l| l.contains("provider.terraform-provider-zoom"))
            .count();
        assert!(provider_lines > 0, "provider lines in the log");
        assert!(
            log.lines()
                .any(|l| l.contains("provider.terraform-provider-zoom")
                    && l.contains("provider configured")),
            "the provider's own debug lines reach the log"
        );
        if log_file {
            // With TF_LOG_PATH the log goes to the file, not to stderr.
            assert!(
                !life.runs.iter().any(|r| r.stderr().contains("[TRACE]")),
                "TF_LOG_PATH took the log"
            );
        }
    }
}

fn client_secret_and_issued_tokens_never_leak(tf: &Terraform) {
    let (secret, core) = marker("client-secret");
    secrets_stay_secret(tf, Cred::ClientSecret(secret), &core);
}

fn static_access_token_never_leaks(tf: &Terraform) {
    let (token, core) = marker("access-token");
    secrets_stay_secret(tf, Cred::AccessToken(token), &core);
}

cases![
    tf client_secret_and_issued_tokens_never_leak,
    tf static_access_token_never_leaks,
];
