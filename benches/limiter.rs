//! Benchmark of the client's rate limiter against the simulator with Zoom's Pro limits on
//! (Light 30/s, Medium 20/s): many tasks hammer one Light and one Medium operation through
//! one shared client, and the run reports requests per second per category and the 429s
//! the simulator answered. Target: zero 429s at the client's defaults.
//!
//! Run: `cargo bench --bench limiter` (options after `--`: `--seconds N`, `--tasks N`).
//! It runs three variants: the defaults (25 ms window margin), no margin, and no
//! client-side limiter at all.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use terraform_provider_zoom::sim::{self, Plan, SimConfig};
use terraform_provider_zoom::zoom::{
    Auth, ClientConfig, CreateRole, MemberRef, RateLimits, Secret, ZoomClient,
};

struct Args {
    seconds: u64,
    tasks: usize,
}

fn args() -> Args {
    let mut a = Args {
        seconds: 10,
        tasks: 32,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut num = || it.next().and_then(|v| v.parse::<u64>().ok());
        match k.as_str() {
            "--seconds" => a.seconds = num().unwrap_or(a.seconds),
            "--tasks" => a.tasks = num().map(|n| n as usize).unwrap_or(a.tasks),
            _ => {} // cargo passes --bench
        }
    }
    a
}

struct Outcome {
    label: &'static str,
    light_ok: u64,
    medium_ok: u64,
    failed: u64,
    secs: f64,
    sim_429: u64,
    client_429: u64,
    retries: u64,
}

async fn run(label: &'static str, limits: RateLimits, a: &Args) -> Outcome {
    let sim = sim::spawn(
        SimConfig::default()
            .with_users(60)
            .with_seed(1)
            .with_switches(|s| s.rate_limits = Plan::Pro.limits()),
    )
    .await
    .expect("simulator starts");
    let mut cfg = ClientConfig::new(Auth::ClientCredentials {
        account_id: "sim-account".into(),
        client_id: "sim-client".into(),
        client_secret: Secret::new("sim-secret"),
        token_url: sim.token_url().parse().unwrap(),
    });
    cfg.api_url = sim.api_url().parse().unwrap();
    cfg.rate_limits = limits;
    let client = ZoomClient::new(cfg).expect("client");

    // A role with 50 members for the Medium operation; then start counting afresh.
    let role = client
        .create_role(&CreateRole {
            name: "Bench".into(),
            privileges: vec!["User:Read".into()],
            ..Default::default()
        })
        .await
        .expect("create role");
    let members: Vec<MemberRef> = (1..=50)
        .map(|i| MemberRef::Id(format!("u{i:05}")))
        .collect();
    client
        .assign_members(&role.id, &members)
        .await
        .expect("assign");
    tokio::time::sleep(Duration::from_millis(1100)).await; // let the sim's windows close
    sim.reset_stats();
    let before = client.stats();

    let light = Arc::new(AtomicU64::new(0));
    let medium = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let end = start + Duration::from_secs(a.seconds);
    let mut handles = Vec::new();
    for t in 0..a.tasks {
        let (client, light, medium, failed, role_id) = (
            client.clone(),
            light.clone(),
            medium.clone(),
            failed.clone(),
            role.id.clone(),
        );
        handles.push(tokio::spawn(async move {
            while Instant::now() < end {
                let ok = if t % 2 == 0 {
                    client.get_role(&role_id).await.map(|_| &light)
                } else {
                    client.list_members(&role_id).await.map(|_| &medium)
                };
                match ok {
                    Ok(counter) => counter.fetch_add(1, Ordering::Relaxed),
                    Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for h in handles {
        h.await.expect("worker");
    }
    let secs = start.elapsed().as_secs_f64();
    let after = client.stats();
    let stats = sim.stats();
    let sim_429 = stats.by_status.get("429").copied().unwrap_or(0);
    sim.shutdown().await;
    Outcome {
        label,
        light_ok: light.load(Ordering::Relaxed),
        medium_ok: medium.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        secs,
        sim_429,
        client_429: after.rate_limited - before.rate_limited,
        retries: after.retries - before.retries,
    }
}

fn main() {
    let a = args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let variants = [
        ("defaults (Pro, 25 ms margin)", RateLimits::pro()),
        (
            "Pro, no margin",
            RateLimits {
                window_margin: Duration::ZERO,
                ..RateLimits::pro()
            },
        ),
        ("no client limiter", RateLimits::unlimited()),
    ];
    println!(
        "client limiter vs simulator at Pro limits (Light 30/s, Medium 20/s): {} s per variant, {} tasks",
        a.seconds, a.tasks
    );
    println!(
        "{:<30} {:>9} {:>10} {:>9} {:>9} {:>11} {:>8} {:>7}",
        "variant", "light/s", "medium/s", "total/s", "429s", "client 429", "retries", "failed"
    );
    for (label, limits) in variants {
        let o = rt.block_on(run(label, limits, &a));
        println!(
            "{:<30} {:>9.2} {:>10.2} {:>9.2} {:>9} {:>11} {:>8} {:>7}",
            o.label,
            o.light_ok as f64 / o.secs,
            o.medium_ok as f64 / o.secs,
            (o.light_ok + o.medium_ok) as f64 / o.secs,
            o.sim_429,
            o.client_429,
            o.retries,
            o.failed
        );
    }
}
