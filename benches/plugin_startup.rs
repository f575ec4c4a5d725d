//! Plugin start-up figures (a benchmark, not a test): the release binary's size, the time
//! from process start to the handshake line, and resident memory after GetProviderSchema.
//! Run with `cargo bench --bench plugin_startup`; the figures go to dev-docs/performance.md.
//!
//! It measures cargo's release binary (dynamically linked) and, when it has been built
//! (`make release`), the static one release.sh packages, in alternating runs so both see
//! the same machine.

#[path = "../tests/plugin/support.rs"]
mod plugin;

use std::path::PathBuf;
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

struct Figures {
    bin: PathBuf,
    startup: Vec<Duration>,
    rss: Vec<u64>,
}

#[tokio::main]
async fn main() {
    let mut bins = vec![PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-zoom"))];
    let static_bin = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/x86_64-unknown-linux-gnu/release/terraform-provider-zoom");
    if static_bin.exists() {
        bins.push(static_bin);
    } else {
        println!("(no static release binary: run `make release` to measure it too)");
    }
    let mut figures: Vec<Figures> = bins
        .into_iter()
        .map(|bin| Figures {
            bin,
            startup: Vec::new(),
            rss: Vec::new(),
        })
        .collect();
    let cert = plugin::terraform_like_client_cert();
    for _ in 0..RUNS {
        for f in figures.iter_mut() {
            let p = plugin::start_binary(&f.bin, Some(&cert));
            f.startup.push(p.started_in);
            let channel = p.channel(Some(&cert)).await.expect("connect");
            ProviderClient::new(channel)
                .get_provider_schema(get_provider_schema::Request {})
                .await
                .expect("schema");
            f.rss.push(rss_kib(p.child.id()).unwrap_or(0));
        }
    }
    for f in figures.iter_mut() {
        f.startup.sort();
        f.rss.sort();
        let size = std::fs::metadata(&f.bin).map(|m| m.len()).unwrap_or(0);
        println!("binary: {}", f.bin.display());
        println!(
            "  binary size: {:.1} MiB ({size} bytes)",
            size as f64 / 1048576.0
        );
        println!(
            "  start to handshake line over {RUNS} runs: median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
            percentile(&f.startup, 0.5).as_secs_f64() * 1e3,
            percentile(&f.startup, 0.9).as_secs_f64() * 1e3,
            f.startup.last().unwrap().as_secs_f64() * 1e3
        );
        println!(
            "  resident memory after GetProviderSchema: median {:.1} MiB, max {:.1} MiB",
            f.rss[f.rss.len() / 2] as f64 / 1024.0,
            *f.rss.last().unwrap() as f64 / 1024.0
        );
    }
}
