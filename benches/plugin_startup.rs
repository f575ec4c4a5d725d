//! Plugin start-up figures (a benchmark, not a test): the release binary's size, the time
//! from process start to the handshake line, and resident memory after GetProviderSchema.
//! Run with `cargo bench --bench plugin_startup`; the figures go to dev-docs/performance.md.
//!
//! It measures cargo's release binary (dynamically linked) and, when it has been built
//! (`make release`), the static one release.sh packages, in alternating runs so both see
//! the same machine. `PLUGIN_STARTUP_BINS=a:b` measures other builds instead, alternately.

#[path = "../tests/plugin/support.rs"]
mod plugin;

use std::path::PathBuf;
use std::time::Duration;

use terraform_provider_zoom::tfplugin::wire::tfplugin6::get_provider_schema;
use terraform_provider_zoom::tfplugin::wire::tfplugin6::provider_client::ProviderClient;

const RUNS: usize = 20;

/// Colon-separated provider binaries to measure instead (alternately), e.g. two builds.
const BINS_ENV: &str = "PLUGIN_STARTUP_BINS";

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

/// Resident KiB of `pid` by kind of mapping: the binary's code, the binary's other
/// mappings (read-only data, relocated data), shared libraries, and anonymous memory
/// (heap, stacks).
fn rss_by_kind(pid: u32, bin: &std::path::Path) -> [u64; 4] {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let bin = std::fs::canonicalize(bin).unwrap_or_default();
    let mut kinds = [0u64; 4];
    let mut kind = 3;
    for line in smaps.lines() {
        let mut f = line.split_whitespace();
        let first = f.next().unwrap_or_default();
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            let perms = f.next().unwrap_or_default();
            let name = f.nth(3).unwrap_or_default();
            kind = if name == bin.to_str().unwrap_or_default() {
                if perms.contains('x') {
                    0
                } else {
                    1
                }
            } else if name.starts_with('/') {
                2
            } else {
                3
            };
        } else if first == "Rss:" {
            kinds[kind] += f.next().and_then(|v| v.parse().ok()).unwrap_or(0);
        }
    }
    kinds
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Figures {
    bin: PathBuf,
    startup: Vec<Duration>,
    rss: Vec<u64>,
    kinds: Vec<[u64; 4]>,
}

#[tokio::main]
async fn main() {
    let mut bins = vec![PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-zoom"))];
    let static_bin = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/x86_64-unknown-linux-gnu/release/terraform-provider-zoom");
    if let Some(list) = std::env::var_os(BINS_ENV) {
        // Other builds to compare, e.g. before and after a change.
        bins = std::env::split_paths(&list).collect();
    } else if static_bin.exists() {
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
            kinds: Vec::new(),
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
            f.kinds.push(rss_by_kind(p.child.id(), &f.bin));
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
        let mut k = f.kinds.clone();
        k.sort();
        let [code, data, libs, anon] = k[k.len() / 2];
        let mib = |v: u64| v as f64 / 1024.0;
        println!(
            "    of which (median run): binary code {:.1} MiB, binary data {:.1} MiB, shared libraries {:.1} MiB, heap and stacks {:.1} MiB",
            mib(code),
            mib(data),
            mib(libs),
            mib(anon)
        );
    }
}
