//! Resilience through real Terraform: with the simulator failing 10% of calls with 5xx,
//! rate-limiting 5%, dropping 3% of connections after doing the work, and tokens that
//! expire every few seconds, an apply of 3 roles and 100 memberships succeeds, Zoom ends up
//! exactly as configured, and the next plan is empty. Lost answers to successful writes
//! neither duplicate nor lose anything, and an apply interrupted halfway converges when run
//! again.

use std::time::{Duration, Instant};

use crate::support::sim::{zoom, zoom_with, Zoom};
use crate::support::terraform::{required_providers, Terraform, Workspace};
use terraform_provider_zoom::sim::{FaultKind, ScriptedFault};

/// 3 roles; user i (1..=100) in role i % 3.
fn config(zoom: &Zoom, extra_provider: &str) -> String {
    format!(
        r#"{}
{}
locals {{
  names = ["Auditors", "Helpdesk", "Billing"]
}}

resource "zoom_role" "r" {{
  for_each   = toset(local.names)
  name       = each.key
  privileges = ["User:Read"]
}}

resource "zoom_role_membership" "m" {{
  for_each = {{ for i in range(1, 101) : format("user%d@example.com", i) => local.names[i % 3] }}
  role_id  = zoom_role.r[each.value].id
  email    = each.key
}}
"#,
        required_providers(),
        zoom.provider_block_with(extra_provider)
    )
}

/// Zoom matches the configuration exactly: three roles, each user in the right one.
fn assert_converged(zoom: &Zoom) {
    let state = zoom.sim.state();
    let names = ["Auditors", "Helpdesk", "Billing"];
    for name in names {
        let n = state.roles.iter().filter(|r| r.role.name == name).count();
        assert_eq!(n, 1, "exactly one {name} role (no duplicate creates)");
    }
    for i in 1..=100 {
        let role = zoom.role_id_by_name(names[i % 3]).unwrap();
        assert_eq!(
            zoom.role_of(&format!("user{i}@example.com")),
            role,
            "user{i}"
        );
    }
}

fn apply_succeeds_through_faults_and_expiring_tokens(tf: &Terraform) {
    let zoom = zoom_with(100, |s| {
        s.error_rate = 0.10;
        s.rate_limit_rate = 0.05;
        s.drop_rate = 0.03;
        s.token_lifetime_ms = 3_000;
    });
    let ws = Workspace::new(tf);
    ws.config(&config(
        &zoom,
        "  request_timeout = 5\n  rate_limit_plan = \"business\"\n",
    ));
    ws.init();
    ws.apply().ok();
    let stats = zoom.sim.stats();
    let status = |s: &str| stats.by_status.get(s).copied().unwrap_or(0);
    assert!(status("500") > 0, "5xx were injected: {stats:?}");
    assert!(status("429") > 0, "429s were injected: {stats:?}");
    assert!(
        stats.dropped.values().sum::<u64>() > 0,
        "connections were dropped: {stats:?}"
    );
    // The plan's and the apply's provider processes fetch one token each; more means
    // tokens expired and were renewed mid-apply.
    let issued = zoom.sim.issued_tokens().len();
    assert!(
        status("401") > 0 || issued > 2,
        "tokens expired: {issued} issued, {stats:?}"
    );
    assert_converged(&zoom);
    ws.assert_plan_empty();
}

fn lost_answers_to_successful_writes_are_neither_duplicated_nor_lost(tf: &Terraform) {
    let zoom = zoom(100);
    // The first role create and the first three assigns happen at Zoom, but their answers
    // never arrive.
    for (route, count) in [("POST /roles", 1), ("POST /roles/{roleId}/members", 3)] {
        zoom.sim.push_fault(ScriptedFault {
            route: route.into(),
            kind: FaultKind::Drop,
            count,
        });
    }
    let ws = Workspace::new(tf);
    ws.config(&config(&zoom, ""));
    ws.init();
    ws.apply().ok();
    let dropped: usize = zoom.sim.log().iter().filter(|e| e.dropped).count();
    assert_eq!(dropped, 4, "the scripted drops happened");
    assert_converged(&zoom);
    ws.assert_plan_empty();
    let state = ws.state_json();
    let count = state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(count, 103, "every object is in state once");
}

fn an_interrupted_apply_converges_when_run_again(tf: &Terraform) {
    // Slow enough that the apply is still running when interrupted.
    let zoom = zoom_with(100, |s| {
        s.latency_min_ms = 30;
        s.latency_max_ms = 60;
    });
    let ws = Workspace::new(tf);
    ws.config(&config(&zoom, ""));
    ws.init();
    let mut child = ws
        .command(&["apply", "-no-color", "-input=false", "-auto-approve"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Interrupt once some memberships exist but not all.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let assigned = zoom
            .sim
            .state()
            .users
            .iter()
            .filter(|u| u.role_id != "2" && u.role_id != "0")
            .count();
        if assigned >= 10 {
            break;
        }
        assert!(Instant::now() < deadline, "apply made no progress");
        std::thread::sleep(Duration::from_millis(50));
    }
    // SIGINT, as Ctrl-C would send: Terraform stops the provider and saves state.
    unsafe_kill(child.id(), 2);
    let status = child.wait().unwrap();
    assert!(!status.success(), "the apply was interrupted");
    let assigned_then = zoom
        .sim
        .state()
        .users
        .iter()
        .filter(|u| u.role_id != "2" && u.role_id != "0")
        .count();
    assert!(
        assigned_then < 100,
        "interrupted before the end ({assigned_then})"
    );

    ws.apply().ok();
    assert_converged(&zoom);
    ws.assert_plan_empty();
}

fn unsafe_kill(pid: u32, signal: i32) {
    let ok = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{signal} {pid}");
}

cases![
    tf apply_succeeds_through_faults_and_expiring_tokens,
    tf lost_answers_to_successful_writes_are_neither_duplicated_nor_lost,
    tf an_interrupted_apply_converges_when_run_again,
];
