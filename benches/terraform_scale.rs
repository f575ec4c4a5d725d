//! Terraform at scale against zoom-sim (a benchmark, not a test): apply of 1,000
//! memberships into 4 roles at several -parallelism values and on Free-plan limits, a plan
//! of the applied memberships timed alternately with Terraform's own floor (a plan of
//! 1,000 applied `terraform_data`), and the ratio of the two. Reports wall time, API calls
//! per endpoint against the minimum, 429s, and the provider processes' peak RSS and CPU
//! (through a wrapper that records rusage, left out of the timed plans).
//! Run with `make bench` or `cargo bench --bench terraform_scale [apply|plan|free|floor]`.
//!
//! Both configurations keep their 1,000-entry map in a `locals` value: Terraform
//! re-evaluates an inline `for_each` expression for every instance, which alone makes a
//! plan of 1,000 several times slower whatever the provider does.

#[path = "../tests/e2e/support/sim.rs"]
mod sim;
#[path = "../tests/e2e/support/terraform.rs"]
mod terraform;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sim::{user_id, zoom_with, Zoom};
use terraform::{required_providers, Terraform, Workspace};

const USERS: usize = 1000;
const ROLES: usize = 4;

/// Set on a Terraform command to record the provider processes' peak RSS and CPU.
const USAGE_ENV: &str = "ZOOM_BENCH_USAGE";

/// A filesystem mirror whose provider is a wrapper. With `USAGE_ENV` set it runs the real
/// binary under a Python script that records the process's peak RSS and CPU time
/// (getrusage of the child) as a JSON line in `log`; without it, `sh` execs the binary
/// directly, so timed runs don't pay for Python's start-up (Terraform starts three
/// providers one after another per plan).
fn wrapped_mirror(dir: &Path, log: &Path) -> PathBuf {
    let version = env!("CARGO_PKG_VERSION");
    let bin_dir = dir.join(format!(
        "mirror/registry.terraform.io/zoom-community/zoom/{version}/linux_amd64"
    ));
    std::fs::create_dir_all(&bin_dir).unwrap();
    let real = env!("CARGO_BIN_EXE_terraform-provider-zoom");
    let usage = dir.join("usage.py");
    std::fs::write(
        &usage,
        format!(
            r#"import json, os, subprocess, sys
p = subprocess.Popen([{real:?}] + sys.argv[1:])
_, status, ru = os.wait4(p.pid, 0)
with open({log:?}, "a") as f:
    f.write(json.dumps({{"maxrss_kib": ru.ru_maxrss, "cpu_s": ru.ru_utime + ru.ru_stime}}) + "\n")
sys.exit(os.waitstatus_to_exitcode(status))
"#,
            log = log.display().to_string(),
        ),
    )
    .unwrap();
    let wrapper = bin_dir.join(format!("terraform-provider-zoom_v{version}"));
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nif [ -n \"${USAGE_ENV}\" ]; then exec python3 {usage:?} \"$@\"; fi\nexec {real:?} \"$@\"\n",
            usage = usage.display().to_string(),
        ),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .args(["+x", wrapper.to_str().unwrap()])
        .status()
        .unwrap();
    let rc = dir.join("terraformrc");
    std::fs::write(
        &rc,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/zoom-community/*\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/zoom-community/*\"]\n  }}\n}}\n",
            dir.join("mirror").display()
        ),
    )
    .unwrap();
    rc
}

/// Peak RSS (MiB) and total CPU seconds of the provider processes logged since `from`.
fn provider_usage(log: &Path, from: usize) -> (f64, f64, usize) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .skip(from)
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let rss = lines
        .iter()
        .filter_map(|v| v["maxrss_kib"].as_f64())
        .fold(0.0, f64::max);
    let cpu: f64 = lines.iter().filter_map(|v| v["cpu_s"].as_f64()).sum();
    (rss / 1024.0, cpu, lines.len())
}

fn log_len(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

struct Setup {
    zoom: Zoom,
    ws: Workspace,
    log: PathBuf,
}

fn setup(tf: &Terraform, plan: terraform_provider_zoom::sim::Plan) -> Setup {
    let zoom = zoom_with(USERS, |s| {
        s.rate_limits = plan.limits();
        s.latency_min_ms = 20;
        s.latency_max_ms = 50;
    });
    let mut roles = vec!["1".to_string()];
    for name in ["Auditors", "Helpdesk", "Billing"] {
        roles.push(zoom.create_role(name, &["User:Read"]));
    }
    let roles_hcl = roles
        .iter()
        .map(|r| format!("\"{r}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let plan_name = format!("{plan:?}").to_lowercase();
    let mut ws = Workspace::new(tf);
    let log = ws.path().join("provider-usage.jsonl");
    let rc = wrapped_mirror(&ws.path().join("tf"), &log);
    ws.env("TF_CLI_CONFIG_FILE", rc.to_str().unwrap());
    ws.config(&format!(
        r#"{}
{}
locals {{
  roles   = [{roles_hcl}]
  members = {{ for i in range(1, {n}) : format("user%d@example.com", i) => local.roles[i % {ROLES}] }}
}}

resource "zoom_role_membership" "m" {{
  for_each = local.members
  role_id  = each.value
  email    = each.key
}}
"#,
        required_providers(),
        zoom.provider_block_with(&format!("  rate_limit_plan = \"{plan_name}\"\n")),
        n = USERS + 1,
    ));
    ws.init();
    zoom.reset_stats();
    Setup { zoom, ws, log }
}

fn calls(zoom: &Zoom) -> BTreeMap<String, u64> {
    let stats = zoom.sim.stats();
    stats.by_route.clone()
}

fn report(label: &str, secs: f64, zoom: &Zoom, usage: (f64, f64, usize)) {
    let stats = zoom.sim.stats();
    let by_route = calls(zoom);
    let r429 = stats.by_status.get("429").copied().unwrap_or(0);
    println!("\n### {label}");
    println!("wall time: {secs:.2} s; provider processes: {}; peak RSS {:.1} MiB; provider CPU {:.1} s; 429 answers: {r429}", usage.2, usage.0, usage.1);
    for (route, n) in by_route {
        println!("  {route:<45} {n}");
    }
}

fn apply(tf: &Terraform, plan: terraform_provider_zoom::sim::Plan, parallelism: usize) -> Setup {
    let s = setup(tf, plan);
    let from = log_len(&s.log);
    let t = Instant::now();
    let p = format!("-parallelism={parallelism}");
    let status =
        s.ws.command(&["apply", "-no-color", "-input=false", "-auto-approve", &p])
            .env(USAGE_ENV, "1")
            .output()
            .unwrap()
            .status;
    let secs = t.elapsed().as_secs_f64();
    assert!(status.success(), "apply failed: {status}");
    for i in 1..=USERS {
        assert_ne!(s.zoom.role_of(&user_id(i)), "2", "user{i} assigned");
    }
    let min_assign = ROLES * (USERS / ROLES).div_ceil(30);
    report(
        &format!("apply of {USERS} memberships into {ROLES} roles, {plan:?} limits, -parallelism={parallelism} (minimum assign calls: {min_assign})"),
        secs,
        &s.zoom,
        provider_usage(&s.log, from),
    );
    s
}

/// Timed plans per workspace in the `plan` and `floor` runs.
const PLAN_RUNS: usize = 7;

/// Terraform's own floor: 1,000 applied `terraform_data` over the same map (the built-in
/// resource: no plugin, no API).
fn floor_workspace(tf: &Terraform) -> Workspace {
    let ws = Workspace::new(tf);
    ws.config(&format!(
        "locals {{\n  members = {{ for i in range(1, {n}) : format(\"user%d@example.com\", i) => i % {ROLES} }}\n}}\n\nresource \"terraform_data\" \"d\" {{\n  for_each = local.members\n  input    = each.value\n}}\n",
        n = USERS + 1
    ));
    ws.init();
    ws.run(&["apply", "-no-color", "-auto-approve"]).ok();
    ws
}

/// Wall time of one `terraform plan` that must find nothing to do.
fn timed_plan(ws: &Workspace) -> f64 {
    let t = Instant::now();
    ws.assert_plan_empty();
    t.elapsed().as_secs_f64()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn secs_list(v: &[f64]) -> String {
    v.iter()
        .map(|s| format!("{s:.2}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn main() {
    let Some(tf) = terraform::terraform() else {
        eprintln!("no terraform: run `make tools`");
        return;
    };
    let only: Option<String> = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let want = |name: &str| only.as_deref().is_none_or(|o| o == name);
    use terraform_provider_zoom::sim::Plan;

    if want("apply") {
        for p in [10, 50, 250] {
            apply(&tf, Plan::Pro, p);
        }
    }
    if want("plan") {
        // Our plan and the floor alternate, so both see the same machine: a 2-core box
        // drifts by 10% or more over minutes.
        let s = apply(&tf, Plan::Pro, 250);
        let floor = floor_workspace(&tf);
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..PLAN_RUNS {
            s.zoom.reset_stats();
            ours.push(timed_plan(&s.ws));
            let lists = calls(&s.zoom)
                .get("GET /roles/{roleId}/members")
                .copied()
                .unwrap_or(0);
            assert_eq!(lists, ROLES as u64, "one member traversal per role");
            theirs.push(timed_plan(&floor));
        }
        // Once more with the rusage wrapper, for the provider's memory and CPU.
        s.zoom.reset_stats();
        let from = log_len(&s.log);
        let status =
            s.ws.command(&["plan", "-no-color", "-input=false", "-detailed-exitcode"])
                .env(USAGE_ENV, "1")
                .output()
                .unwrap()
                .status;
        assert_eq!(status.code(), Some(0), "expected an empty plan");
        let (ours_med, theirs_med) = (median(&mut ours), median(&mut theirs));
        report(
            &format!("plan of {USERS} applied memberships in {ROLES} roles (minimum: one traversal per role, 1 page each), median of {PLAN_RUNS}"),
            ours_med,
            &s.zoom,
            provider_usage(&s.log, from),
        );
        println!("  runs: {}", secs_list(&ours));
        println!(
            "\n### floor: plan of {USERS} applied terraform_data (same for_each map), median of {PLAN_RUNS}, alternating with the runs above\nwall time: {theirs_med:.2} s\n  runs: {}",
            secs_list(&theirs)
        );
        println!(
            "\n### plan-time ratio to the floor: {:.2} (medians {ours_med:.2} s / {theirs_med:.2} s)",
            ours_med / theirs_med
        );
    }
    if want("free") {
        apply(&tf, Plan::Free, 10);
    }
    if want("floor") {
        let ws = floor_workspace(&tf);
        let mut runs: Vec<f64> = (0..PLAN_RUNS).map(|_| timed_plan(&ws)).collect();
        println!(
            "\n### floor: plan of {USERS} applied terraform_data (same for_each map), median of {PLAN_RUNS}\nwall time: {:.2} s\n  runs: {}",
            median(&mut runs),
            secs_list(&runs)
        );
    }
}
