//! Where a provider process spends its time, measured from inside it, for benchmarks: per
//! gRPC method, how many calls came, how long the process was busy on them (time spent
//! polling the call's future, which on the single-threaded runtime is the provider's own
//! work: decoding, the hook, encoding the answer) and how long they took from arrival to
//! answer (busy plus waiting, e.g. on Zoom). On shutdown one JSON line is appended to the
//! file named by the serving configuration, with the process's CPU time and peak memory.
//! Off unless asked for; nothing is recorded then.

use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write as _;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tonic::codegen::http;

#[derive(Default, Clone, Copy)]
struct Totals {
    count: u64,
    busy: Duration,
    total: Duration,
}

/// The figures of one provider process.
pub struct RpcStats {
    path: PathBuf,
    started: Instant,
    by_method: Mutex<BTreeMap<String, Totals>>,
}

impl RpcStats {
    pub fn new(path: PathBuf) -> Arc<RpcStats> {
        Arc::new(RpcStats {
            path,
            started: Instant::now(),
            by_method: Mutex::default(),
        })
    }

    fn record(&self, method: &str, busy: Duration, total: Duration) {
        let mut map = self.by_method.lock().unwrap_or_else(|e| e.into_inner());
        let t = map.entry(method.to_string()).or_default();
        t.count += 1;
        t.busy += busy;
        t.total += total;
    }

    /// Appends this process's line to the file (best effort: a benchmark aid must never
    /// fail the provider).
    pub fn write(&self) {
        let rpcs: serde_json::Map<String, serde_json::Value> = self
            .by_method
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, t)| {
                (
                    k.clone(),
                    serde_json::json!({
                        "count": t.count,
                        "busy_s": t.busy.as_secs_f64(),
                        "total_s": t.total.as_secs_f64(),
                    }),
                )
            })
            .collect();
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kib = |key: &str| -> Option<u64> {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        };
        // The first field of schedstat is the CPU time this process has run, in ns.
        let cpu_ns: Option<u64> = std::fs::read_to_string("/proc/self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok());
        let line = serde_json::json!({
            "pid": std::process::id(),
            "lifetime_s": self.started.elapsed().as_secs_f64(),
            "cpu_s": cpu_ns.map(|n| n as f64 / 1e9),
            "peak_rss_kib": kib("VmHWM:"),
            "rss_kib": kib("VmRSS:"),
            "rpcs": rpcs,
        });
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
        {
            let _ = writeln!(f, "{line}");
        }
    }
}

/// A tower layer that times every gRPC call into an [`RpcStats`].
#[derive(Clone)]
pub struct RpcStatsLayer(pub Arc<RpcStats>);

impl<S> tower::Layer<S> for RpcStatsLayer {
    type Service = Timed<S>;
    fn layer(&self, inner: S) -> Timed<S> {
        Timed {
            inner,
            stats: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Timed<S> {
    inner: S,
    stats: Arc<RpcStats>,
}

impl<S, B> tower::Service<http::Request<B>> for Timed<S>
where
    S: tower::Service<http::Request<B>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = TimedFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let method = req
            .uri()
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        TimedFuture {
            fut: Box::pin(self.inner.call(req)),
            stats: self.stats.clone(),
            method,
            arrived: Instant::now(),
            busy: Duration::ZERO,
        }
    }
}

pub struct TimedFuture<F> {
    fut: Pin<Box<F>>,
    stats: Arc<RpcStats>,
    method: String,
    arrived: Instant,
    busy: Duration,
}

impl<F: Future> Future for TimedFuture<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let start = Instant::now();
        let out = self.fut.as_mut().poll(cx);
        let this = &mut *self;
        this.busy += start.elapsed();
        if out.is_ready() {
            this.stats
                .record(&this.method, this.busy, this.arrived.elapsed());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_calls_per_method_and_writes_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stats.jsonl");
        let stats = RpcStats::new(path.clone());
        let mut svc = tower::Layer::layer(
            &RpcStatsLayer(stats.clone()),
            tower::service_fn(|_: http::Request<()>| async {
                tokio::task::yield_now().await;
                Ok::<_, std::convert::Infallible>(())
            }),
        );
        for m in ["ReadResource", "ReadResource", "PlanResourceChange"] {
            let req = http::Request::builder()
                .uri(format!("/tfplugin6.Provider/{m}"))
                .body(())
                .unwrap();
            tower::Service::call(&mut svc, req).await.unwrap();
        }
        stats.write();
        stats.write();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "one line per write: {text}");
        assert_eq!(lines[0]["rpcs"]["ReadResource"]["count"], 2);
        assert_eq!(lines[0]["rpcs"]["PlanResourceChange"]["count"], 1);
        assert!(lines[0]["peak_rss_kib"].as_u64().unwrap() > 0);
        assert!(lines[0]["cpu_s"].as_f64().unwrap() > 0.0);
    }
}
