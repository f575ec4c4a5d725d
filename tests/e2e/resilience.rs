//! Resilience through real Terraform: with the simulator failing 10% of calls with 5xx,
//! rate-limiting 5%, dropping 3% of connections after doing the work, and tokens that
//! expire every few seconds, an apply of 3 roles and 100 memberships succeeds, Zoom ends up
//! exactly as configured, and the next plan is empty. Lost answers to successful writes
//! neither duplicate nor lose anything, an apply interrupted halfway converges when run
//! again, and an interrupt cancels a request Zoom has not answered.

use std::time::Duration;

use crate::support::sim::{zoom, zoom_with, Zoom};
use crate::support::terraform::{required_providers, wait_until, Terraform, Workspace};

const APPLY: &[&str] = &["apply", "-no-color", "-input=false", "-auto-approve"];
/// How long a wait may take before the test gives up: a guard against hanging, not a
/// timing assertion.
const GUARD: Duration = Duration::from_secs(60);
use terraform_provider_zoom::sim::{FaultKind, HoldRule, ScriptedFault};

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
    let apply = ws.start(APPLY);
    let assigned = || {
        zoom.sim
            .state()
            .users
            .iter()
            .filter(|u| u.role_id != "2" && u.role_id != "0")
            .count()
    };
    // Interrupt once some memberships exist but not all.
    wait_until("apply made no progress", GUARD, || assigned() >= 10);
    // SIGINT, as Ctrl-C would send: Terraform stops the provider and saves state.
    unsafe_kill(apply.id(), 2);
    let run = apply.finish(GUARD);
    assert!(!run.success(), "the apply was interrupted: {run}");
    let assigned_then = assigned();
    assert!(
        assigned_then < 100,
        "interrupted before the end ({assigned_then})"
    );

    ws.apply().ok();
    assert_converged(&zoom);
    ws.assert_plan_empty();
}

/// Ctrl-C while a write is on the wire: zoom-sim holds the role create unanswered, so
/// only StopProvider can end the apply (the held request would otherwise wait for the
/// client's timeouts and retries, which outlast the guard below). Terraform asks the
/// provider to stop, the provider drops the request (zoom-sim sees the client leave, and
/// never runs the create), Terraform exits with the error, the provider process is gone,
/// and state agrees with Zoom: the next plan still creates the role.
fn an_interrupt_cancels_a_request_zoom_has_not_answered(tf: &Terraform) {
    let zoom = zoom(2);
    let role = |name: &str| {
        format!(
            "resource \"zoom_role\" \"{}\" {{\n  name       = \"{name}\"\n  privileges = [\"User:Read\"]\n}}\n",
            name.to_lowercase()
        )
    };
    let head = format!("{}{}", required_providers(), zoom.provider_block());
    let ws = Workspace::new(tf);
    ws.config(&format!("{head}{}", role("Kept")));
    ws.init();
    ws.apply().ok();

    // Every create from now on is held, retries included.
    zoom.sim.hold(HoldRule {
        route: "POST /roles".into(),
        query_contains: None,
        count: 100,
    });
    zoom.reset_stats();
    ws.config(&format!("{head}{}{}", role("Kept"), role("Held")));
    let apply = ws.start(APPLY);
    wait_until("the create never reached zoom-sim", GUARD, || {
        zoom.sim.holds().waiting == 1
    });
    let providers = children_named(apply.id(), "terraform-provi");
    assert_eq!(providers.len(), 1, "one provider process: {providers:?}");

    unsafe_kill(apply.id(), 2);
    let run = match apply.wait_at_most(GUARD) {
        Ok(run) => run,
        Err(still_running) => {
            still_running.kill();
            for pid in &providers {
                let _ = std::process::Command::new("kill")
                    .args(["-9", &pid.to_string()])
                    .status();
            }
            panic!(
                "terraform was still applying 60 s after the interrupt: StopProvider did not \
                 cancel the held create"
            );
        }
    };
    assert!(!run.success(), "the apply was interrupted: {run}");
    assert!(run.stdout().contains("Interrupt received"), "{run}");
    assert!(run.stderr().contains("Error: Operation cancelled"), "{run}");

    // The provider dropped the request: zoom-sim saw its client leave, and never created
    // the role.
    wait_until(
        "zoom-sim never saw the held create abandoned",
        GUARD,
        || zoom.sim.holds().abandoned == 1,
    );
    let holds = zoom.sim.holds();
    assert_eq!(
        (holds.held, holds.waiting, holds.released),
        (1, 0, 0),
        "{holds:?}"
    );
    assert_eq!(zoom.count("POST /roles"), 0, "the create was never handled");
    assert_eq!(zoom.role_id_by_name("Held"), None);
    wait_until("the provider process outlived terraform", GUARD, || {
        providers.iter().all(|pid| !alive(*pid))
    });

    // State agrees with Zoom: the kept role is there, the held one is still to be made.
    assert!(ws.resource_values("zoom_role.kept").is_some());
    assert!(ws.resource_values("zoom_role.held").is_none());
    let plan = ws.run(&["plan", "-no-color", "-input=false", "-detailed-exitcode"]);
    assert_eq!(plan.code(), 2, "{plan}");
    assert!(
        plan.stdout().contains("zoom_role.held will be created")
            && plan
                .stdout()
                .contains("1 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    // Without the hold, the next apply makes it.
    zoom.sim.clear_holds();
    ws.apply().ok();
    assert!(zoom.role_id_by_name("Held").is_some());
    ws.assert_plan_empty();
}

/// Processes whose parent is `parent` and whose name starts with `prefix` (Linux /proc;
/// the kernel cuts names at 15 characters).
fn children_named(parent: u32, prefix: &str) -> Vec<u32> {
    let mut found = vec![];
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces, so split at the last ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let comm = head.split_once('(').map_or("", |(_, c)| c);
        let ppid = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok());
        if ppid == Some(parent) && comm.starts_with(prefix) {
            found.push(pid);
        }
    }
    found
}

/// Whether a process is running (a zombie, exited but not yet reaped, is not).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
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
    tf an_interrupt_cancels_a_request_zoom_has_not_answered,
];
