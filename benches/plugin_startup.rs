//! Plugin start-up figures (a benchmark, not a test): the release binary's size, the time
//! from process start to the handshake line, and resident memory after GetProviderSchema.
//! Run with `cargo bench --bench plugin_startup`; the figures go to dev-docs/performance.md.

#[path = "../tests/support/plugin.rs"]
mod plugin;

use std::time::Duration;

use terraform_provider_zoom::tfplugin::wire::tfplugin6::get_provider_schema;
use terraform_provider_zoom::tfplugin::wire::tfplugin6::provider_client::ProviderClient;

const RUNS: usize = 20;

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let bin = env!("CARGO_BIN_EXE_terraform-provider-zoom");
    let size = std::fs::metadata(bin).map(|m| m.len()).unwrap_or(0);
    let cert = plugin::terraform_like_client_cert();
    let mut startup = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..RUNS {
        let p = plugin::start(Some(&cert));
        startup.push(p.started_in);
        let channel = p.channel(Some(&cert)).await.expect("connect");
        ProviderClient::new(channel)
            .get_provider_schema(get_provider_schema::Request {})
            .await
            .expect("schema");
        rss.push(rss_kib(p.child.id()).unwrap_or(0));
    }
    startup.sort();
    rss.sort();
    println!("binary: {bin}");
    println!(
        "binary size: {:.1} MiB ({size} bytes)",
        size as f64 / 1048576.0
    );
    println!(
        "start to handshake line over {RUNS} runs: median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        percentile(&startup, 0.5).as_secs_f64() * 1e3,
        percentile(&startup, 0.9).as_secs_f64() * 1e3,
        startup.last().unwrap().as_secs_f64() * 1e3
    );
    println!(
        "resident memory after GetProviderSchema: median {:.1} MiB, max {:.1} MiB",
        rss[rss.len() / 2] as f64 / 1024.0,
        *rss.last().unwrap() as f64 / 1024.0
    );
}
