//! Terraform at scale against zoom-sim (a benchmark, not a test). Each run is named; with
//! no name every run goes, in this order:
//!
//! - `apply`: 1,000 memberships into 4 roles at -parallelism 10, 50 and 250 (Pro limits).
//! - `plan`: a refresh plan of those 1,000, alternating with Terraform's own floor (the
//!   same `for_each` over the same JSON file as `terraform_data`), with the breakdown of
//!   where the time goes.
//! - `new`: a plan of 1,000 new memberships, alternating with 1,000 new `terraform_data`.
//! - `10k`: 10,000 memberships in 20 roles (500 each, half by id, half by email): apply at
//!   -parallelism=100, then the refresh plan alternating with 10,000 `terraform_data`.
//! - `members`: the same 10,000 assignments as 20 `zoom_role_members`: apply, and the
//!   refresh plan alternating with 20 `terraform_data` holding the same lists.
//! - `free`: the 1,000 apply on Free-plan limits at -parallelism=10.
//!
//! Run with `make bench` or `cargo bench --bench terraform_scale [RUN ...]`.
//!
//! Every configuration reads its assignments with `jsondecode(file(...))` into a local
//! value, and its floor reads the same file the same way, so Terraform's expression work is
//! the same on both sides. The provider reports its own figures (calls per RPC, time busy
//! on them, CPU, peak memory) through `ZOOM_PROVIDER_RPC_STATS`; Terraform's CPU is the
//! children's CPU of this process (from `/proc/self/stat`) less the provider's.

#[path = "../tests/e2e/support/sim.rs"]
mod sim;
#[path = "../tests/e2e/support/terraform.rs"]
mod terraform;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sim::{user_id, zoom_with, Zoom};
use terraform::{required_providers, Terraform, Workspace};
use terraform_provider_zoom::sim::Plan;

const STATS_ENV: &str = "ZOOM_PROVIDER_RPC_STATS";

/// Who holds which role: `n` users over `roles` roles (user i holds role i mod roles);
/// `mixed` names every other user by id instead of email.
struct Assignments {
    n: usize,
    roles: Vec<String>,
    mixed: bool,
}

impl Assignments {
    fn role_of(&self, i: usize) -> &str {
        &self.roles[i % self.roles.len()]
    }

    /// `{ "m<i>": { role_id, email, user_id } }`, one null of email and user_id each.
    fn memberships_json(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = (1..=self.n)
            .map(|i| {
                let by_id = self.mixed && i % 2 == 0;
                (
                    format!("m{i}"),
                    serde_json::json!({
                        "role_id": self.role_of(i),
                        "email": (!by_id).then(|| format!("user{i}@example.com")),
                        "user_id": by_id.then(|| user_id(i)),
                    }),
                )
            })
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    /// `{ "<role_id>": [ users... ] }`, users named as in `memberships_json`.
    fn members_json(&self) -> String {
        let mut map: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for i in 1..=self.n {
            let by_id = self.mixed && i % 2 == 0;
            map.entry(self.role_of(i)).or_default().push(if by_id {
                user_id(i)
            } else {
                format!("user{i}@example.com")
            });
        }
        serde_json::to_string(&map).unwrap()
    }
}

const LOCALS: &str =
    "locals {\n  assigned = jsondecode(file(\"${path.module}/assigned.json\"))\n}\n";

const MEMBERSHIPS: &str = r#"
resource "zoom_role_membership" "m" {
  for_each = local.assigned
  role_id  = each.value.role_id
  email    = each.value.email
  user_id  = each.value.user_id
}
"#;

/// Terraform's floor for `MEMBERSHIPS`: the same three expressions per instance.
const MEMBERSHIPS_FLOOR: &str = r#"
resource "terraform_data" "m" {
  for_each         = local.assigned
  input            = each.value.role_id
  triggers_replace = [each.value.email, each.value.user_id]
}
"#;

const ROLE_MEMBERS: &str = r#"
resource "zoom_role_members" "r" {
  for_each = local.assigned
  role_id  = each.key
  members  = each.value
}
"#;

const ROLE_MEMBERS_FLOOR: &str = r#"
resource "terraform_data" "r" {
  for_each         = local.assigned
  input            = each.value
  triggers_replace = each.key
}
"#;

/// A simulator with `users` users, `roles` roles (Admin plus custom ones), Pro (or `plan`)
/// rate limits and 20-50 ms latency on every call.
fn account(users: usize, roles: usize, plan: Plan) -> (Zoom, Vec<String>) {
    let zoom = zoom_with(users, |s| {
        s.rate_limits = plan.limits();
        s.latency_min_ms = 20;
        s.latency_max_ms = 50;
    });
    let mut ids = vec!["1".to_string()];
    for r in 1..roles {
        ids.push(zoom.create_role(&format!("Role {r}"), &["User:Read"]));
    }
    (zoom, ids)
}

/// A workspace of ours (`floor` = false) or of the floor, with `assigned.json` written.
fn workspace(
    tf: &Terraform,
    zoom: &Zoom,
    plan: Plan,
    json: &str,
    body: &str,
    floor: bool,
) -> (Workspace, PathBuf) {
    let mut ws = Workspace::new(tf);
    let stats = ws.path().join("provider-stats.jsonl");
    ws.env(STATS_ENV, stats.to_str().unwrap());
    ws.file("assigned.json", json);
    let head = if floor {
        String::new()
    } else {
        let plan_name = format!("{plan:?}").to_lowercase();
        format!(
            "{}\n{}",
            required_providers(),
            zoom.provider_block_with(&format!("  rate_limit_plan = \"{plan_name}\"\n"))
        )
    };
    ws.config(&format!("{head}\n{LOCALS}{body}"));
    ws.init();
    (ws, stats)
}

/// CPU seconds of this process's waited-for children (and theirs), from /proc/self/stat.
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the parenthesised command: cutime and cstime are the 14th and 15th.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f[13].parse::<f64>().unwrap() + f[14].parse::<f64>().unwrap();
    ticks / 100.0
}

/// One provider process's line in the stats file.
#[derive(Default, Clone)]
struct Process {
    lifetime: f64,
    cpu: f64,
    peak_rss_kib: u64,
    rpcs: BTreeMap<String, (u64, f64, f64)>,
}

fn processes(stats: &Path, from: usize) -> Vec<Process> {
    std::fs::read_to_string(stats)
        .unwrap_or_default()
        .lines()
        .skip(from)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| Process {
            lifetime: v["lifetime_s"].as_f64().unwrap_or(0.0),
            cpu: v["cpu_s"].as_f64().unwrap_or(0.0),
            peak_rss_kib: v["peak_rss_kib"].as_u64().unwrap_or(0),
            rpcs: v["rpcs"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, r)| {
                            (
                                k.clone(),
                                (
                                    r["count"].as_u64().unwrap_or(0),
                                    r["busy_s"].as_f64().unwrap_or(0.0),
                                    r["total_s"].as_f64().unwrap_or(0.0),
                                ),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

fn lines(stats: &Path) -> usize {
    std::fs::read_to_string(stats)
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

/// What one Terraform command cost: wall time, Terraform's CPU, the provider processes.
struct Measured {
    wall: f64,
    terraform_cpu: f64,
    providers: Vec<Process>,
}

impl Measured {
    fn provider_cpu(&self) -> f64 {
        self.providers.iter().map(|p| p.cpu).sum()
    }
    fn peak_rss_mib(&self) -> f64 {
        self.providers
            .iter()
            .map(|p| p.peak_rss_kib)
            .max()
            .unwrap_or(0) as f64
            / 1024.0
    }
}

/// Runs terraform `args` in `ws`, which must exit with `code`.
fn measure(ws: &Workspace, stats: &Path, args: &[&str], code: i32) -> Measured {
    let from = lines(stats);
    let cpu0 = children_cpu();
    let t = Instant::now();
    let out = ws.command(args).output().unwrap();
    let wall = t.elapsed().as_secs_f64();
    assert_eq!(
        out.status.code(),
        Some(code),
        "terraform {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let providers = processes(stats, from);
    let all = children_cpu() - cpu0;
    let provider: f64 = providers.iter().map(|p| p.cpu).sum();
    Measured {
        wall,
        terraform_cpu: (all - provider).max(0.0),
        providers,
    }
}

const PLAN: &[&str] = &["plan", "-no-color", "-input=false", "-detailed-exitcode"];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn secs(v: &[f64]) -> String {
    v.iter()
        .map(|s| format!("{s:.2}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Alternates `runs` plans of ours and of the floor (so both see the same machine: a
/// 2-core box drifts by 10% or more over minutes), checks each, and reports both with
/// the ratio of medians and the breakdown of ours. `check` runs after each of our plans.
#[allow(clippy::too_many_arguments)]
fn alternate(
    label: &str,
    ours: (&Workspace, &Path),
    floor: (&Workspace, &Path),
    runs: usize,
    code: i32,
    zoom: &Zoom,
    check: impl Fn(&Zoom),
) -> f64 {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        zoom.reset_stats();
        a.push(measure(ours.0, ours.1, PLAN, code));
        check(zoom);
        b.push(measure(floor.0, floor.1, PLAN, code));
    }
    let (ma, mb) = (
        median(a.iter().map(|m| m.wall).collect()),
        median(b.iter().map(|m| m.wall).collect()),
    );
    println!("\n### {label}: {runs} alternating runs each");
    println!(
        "ours:  median {ma:.2} s ({})",
        secs(&a.iter().map(|m| m.wall).collect::<Vec<_>>())
    );
    println!(
        "floor: median {mb:.2} s ({})",
        secs(&b.iter().map(|m| m.wall).collect::<Vec<_>>())
    );
    println!("ratio of medians: {:.2}", ma / mb);
    breakdown(&a, &b);
    calls(zoom);
    ma / mb
}

/// Where the time of our plans goes, averaged per plan, against the floor's.
fn breakdown(ours: &[Measured], floor: &[Measured]) {
    let n = ours.len() as f64;
    let avg = |f: &dyn Fn(&Measured) -> f64, v: &[Measured]| -> f64 {
        v.iter().map(f).sum::<f64>() / v.len() as f64
    };
    let procs = ours.iter().map(|m| m.providers.len()).sum::<usize>() as f64 / n;
    let lifetime = avg(&|m| m.providers.iter().map(|p| p.lifetime).sum(), ours);
    println!(
        "CPU per plan: Terraform {:.2} s (floor: {:.2} s), provider {:.3} s in {procs:.0} processes (alive {lifetime:.2} s together), peak provider RSS {:.1} MiB",
        avg(&|m| m.terraform_cpu, ours),
        avg(&|m| m.terraform_cpu, floor),
        avg(&|m| m.provider_cpu(), ours),
        ours.iter().map(|m| m.peak_rss_mib()).fold(0.0, f64::max),
    );
    let mut by_rpc: BTreeMap<String, (u64, f64, f64)> = BTreeMap::new();
    for m in ours {
        for p in &m.providers {
            for (k, (c, busy, total)) in &p.rpcs {
                let e = by_rpc.entry(k.clone()).or_default();
                e.0 += c;
                e.1 += busy;
                e.2 += total;
            }
        }
    }
    let busy_all: f64 = by_rpc.values().map(|v| v.1).sum::<f64>() / n;
    println!(
        "  {:<28} {:>7} {:>10} {:>10} {:>9}",
        "RPC (per plan)", "calls", "busy ms", "answer ms", "busy µs/call"
    );
    let mut rows: Vec<_> = by_rpc.into_iter().collect();
    rows.sort_by(|x, y| y.1 .1.total_cmp(&x.1 .1));
    for (k, (c, busy, total)) in rows {
        let c = c as f64 / n;
        println!(
            "  {k:<28} {c:>7.0} {:>10.1} {:>10.1} {:>9.1}",
            busy / n * 1e3,
            total / n * 1e3,
            busy / n / c * 1e6
        );
    }
    // Busy time is wall time spent polling, so on a loaded machine it also holds time the
    // process was descheduled, and this difference can come out below zero.
    println!(
        "  provider CPU outside the RPC handlers (TLS, HTTP/2, gRPC framing, runtime, start-up; CPU less busy time): {:.3} s",
        avg(&|m| m.provider_cpu(), ours) - busy_all
    );
}

fn calls(zoom: &Zoom) {
    let stats = zoom.sim.stats();
    let r429 = stats.by_status.get("429").copied().unwrap_or(0);
    println!("Zoom calls of the last run (429s: {r429}):");
    for (route, n) in &stats.by_route {
        println!("  {route:<45} {n}");
    }
}

fn apply(ws: &Workspace, stats: &Path, zoom: &Zoom, label: &str, parallelism: usize) -> Measured {
    zoom.reset_stats();
    let p = format!("-parallelism={parallelism}");
    let m = measure(
        ws,
        stats,
        &["apply", "-no-color", "-input=false", "-auto-approve", &p],
        0,
    );
    println!(
        "\n### {label}, -parallelism={parallelism}\nwall {:.2} s; Terraform CPU {:.2} s; provider CPU {:.2} s in {} processes; provider peak RSS {:.1} MiB",
        m.wall,
        m.terraform_cpu,
        m.provider_cpu(),
        m.providers.len(),
        m.peak_rss_mib()
    );
    calls(zoom);
    m
}

/// Asserts that every user holds the role the assignments give them.
fn check_assigned(zoom: &Zoom, a: &Assignments) {
    for i in 1..=a.n {
        assert_eq!(zoom.role_of(&user_id(i)), a.role_of(i), "user{i}");
    }
}

/// Asserts the refresh read each role's members once (Admin may take a second page per
/// 300 members) and made no per-user call.
fn check_refresh(zoom: &Zoom, a: &Assignments) {
    let per_role = (a.n / a.roles.len()).div_ceil(300) as u64;
    let lists = zoom.count("GET /roles/{roleId}/members");
    assert!(
        lists <= a.roles.len() as u64 * per_role,
        "{lists} member listings for {} roles",
        a.roles.len()
    );
    assert_eq!(zoom.count("GET /users/{userId}"), 0, "per-user lookups");
}

fn memberships(tf: &Terraform, n: usize, roles: usize, mixed: bool, plan: Plan) -> Setup {
    let (zoom, ids) = account(n, roles, plan);
    let a = Assignments {
        n,
        roles: ids,
        mixed,
    };
    let json = a.memberships_json();
    let (ws, stats) = workspace(tf, &zoom, plan, &json, MEMBERSHIPS, false);
    let (fws, fstats) = workspace(tf, &zoom, plan, &json, MEMBERSHIPS_FLOOR, true);
    Setup {
        zoom,
        a,
        ws,
        stats,
        floor: fws,
        floor_stats: fstats,
    }
}

struct Setup {
    zoom: Zoom,
    a: Assignments,
    ws: Workspace,
    stats: PathBuf,
    floor: Workspace,
    floor_stats: PathBuf,
}

impl Setup {
    fn apply_floor(&self) {
        self.floor
            .run(&["apply", "-no-color", "-auto-approve", "-parallelism=100"])
            .ok();
    }
}

fn main() {
    let tf = terraform::find_terraform().unwrap_or_else(|e| panic!("{e}: run `make tools`"));
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let want = |name: &str| only.is_empty() || only.iter().any(|o| o == name);

    if want("apply") || want("plan") {
        let s = memberships(&tf, 1000, 4, false, Plan::Pro);
        if want("apply") {
            for p in [10, 50] {
                apply(
                    &s.ws,
                    &s.stats,
                    &s.zoom,
                    "apply of 1,000 memberships into 4 roles (minimum assign calls: 36)",
                    p,
                );
                check_assigned(&s.zoom, &s.a);
                s.ws.run(&["destroy", "-no-color", "-auto-approve", "-parallelism=250"])
                    .ok();
            }
        }
        apply(
            &s.ws,
            &s.stats,
            &s.zoom,
            "apply of 1,000 memberships into 4 roles (minimum assign calls: 36)",
            250,
        );
        check_assigned(&s.zoom, &s.a);
        if want("plan") {
            s.apply_floor();
            alternate(
                "refresh plan of 1,000 applied memberships in 4 roles, against 1,000 applied terraform_data",
                (&s.ws, &s.stats),
                (&s.floor, &s.floor_stats),
                7,
                0,
                &s.zoom,
                |z| check_refresh(z, &s.a),
            );
        }
    }
    if want("new") {
        let s = memberships(&tf, 1000, 4, false, Plan::Pro);
        alternate(
            "plan of 1,000 new memberships in 4 roles, against 1,000 new terraform_data",
            (&s.ws, &s.stats),
            (&s.floor, &s.floor_stats),
            7,
            2,
            &s.zoom,
            |_| {},
        );
    }
    if want("10k") {
        let s = memberships(&tf, 10_000, 20, true, Plan::Pro);
        apply(&s.ws, &s.stats, &s.zoom, "apply of 10,000 memberships into 20 roles (half by id, half by email; minimum assign calls: 340)", 100);
        check_assigned(&s.zoom, &s.a);
        s.apply_floor();
        alternate(
            "refresh plan of 10,000 applied memberships in 20 roles, against 10,000 applied terraform_data",
            (&s.ws, &s.stats),
            (&s.floor, &s.floor_stats),
            3,
            0,
            &s.zoom,
            |z| check_refresh(z, &s.a),
        );
    }
    if want("members") {
        let (zoom, ids) = account(10_000, 20, Plan::Pro);
        let a = Assignments {
            n: 10_000,
            roles: ids,
            mixed: true,
        };
        let json = a.members_json();
        let (ws, stats) = workspace(&tf, &zoom, Plan::Pro, &json, ROLE_MEMBERS, false);
        let (fws, fstats) = workspace(&tf, &zoom, Plan::Pro, &json, ROLE_MEMBERS_FLOOR, true);
        apply(
            &ws,
            &stats,
            &zoom,
            "apply of the same 10,000 assignments as 20 zoom_role_members",
            10,
        );
        check_assigned(&zoom, &a);
        fws.run(&["apply", "-no-color", "-auto-approve"]).ok();
        alternate(
            "refresh plan of 20 applied zoom_role_members (10,000 members), against 20 terraform_data holding the same lists",
            (&ws, &stats),
            (&fws, &fstats),
            7,
            0,
            &zoom,
            |z| check_refresh(z, &a),
        );
    }
    if want("free") {
        let s = memberships(&tf, 1000, 4, false, Plan::Free);
        apply(
            &s.ws,
            &s.stats,
            &s.zoom,
            "apply of 1,000 memberships into 4 roles, Free limits",
            10,
        );
        check_assigned(&s.zoom, &s.a);
    }
}
