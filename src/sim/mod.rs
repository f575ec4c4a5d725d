//! Zoom API simulator: a local HTTP server that speaks the slice of Zoom's REST API the
//! provider uses (roles, role members, users, server-to-server OAuth) with Zoom's rules,
//! error codes and rate limits, plus switchable faults and a control API for tests.
//!
//! In-process use:
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use terraform_provider_zoom::sim::{self, SimConfig};
//! let sim = sim::spawn(SimConfig::default().with_users(50).with_seed(1)).await?;
//! let api_url = sim.api_url(); // http://127.0.0.1:PORT/v2
//! let token_url = sim.token_url(); // http://127.0.0.1:PORT/oauth/token
//! # let _ = (api_url, token_url);
//! assert_eq!(sim.stats().total, 0);
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The `zoom-sim` binary wraps the same server; see `dev-docs/simulator.md`.
//!
//! Module map: [`model`] holds the account and its rules, `state` the one mutable struct
//! behind a mutex, `gate` auth/scopes/rate limits/faults, `api` the `/v2` handlers,
//! `oauth` the token endpoint, `control` the `/_sim` routes, `hold` requests held
//! until a test releases them, `net` droppable connections, [`stats`] accounting, [`config`] settings, [`cli`] the binary's flags.

mod api;
pub mod cli;
pub mod config;
mod control;
pub mod error;
mod gate;
mod hold;
pub mod model;
mod net;
mod oauth;
mod state;
pub mod stats;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use axum::middleware::from_fn_with_state;
use axum::routing::{delete, get, post};
use axum::Router;
use tokio::sync::oneshot;

pub use config::{
    NotFoundForm, Plan, RateLimits, RefusalBody, RetryAfterForm, ScopeStyle, SimConfig, Switches,
};
pub use error::ApiError;
pub use hold::{HoldRule, HoldStatus};
pub use model::{DeleteRolePolicy, DirectoryDump, UserSeed, ADMIN_ROLE, MEMBER_ROLE, OWNER_ROLE};
pub use state::{FaultKind, ScriptedFault};
pub use stats::{LogEntry, Stats};

use model::Directory;
use net::{ConnHandle, KillableListener};
use state::{App, Sim};

/// The account API's routes; the Master Account API serves the same ones under
/// `/accounts/{accountId}`.
fn account_routes() -> Router<App> {
    Router::new()
        .route("/roles", get(api::list_roles).post(api::create_role))
        .route(
            "/roles/{roleId}",
            get(api::get_role)
                .patch(api::update_role)
                .delete(api::delete_role),
        )
        .route(
            "/roles/{roleId}/members",
            get(api::list_members).post(api::assign_members),
        )
        .route(
            "/roles/{roleId}/members/{memberId}",
            delete(api::unassign_member),
        )
        .route("/users", get(api::list_users))
        .route("/users/{userId}", get(api::get_user))
}

fn router(app: App) -> Router {
    let v2 = account_routes()
        .route("/accounts", get(api::list_sub_accounts))
        .nest("/accounts/{accountId}", account_routes());
    let served = Router::new()
        .nest("/v2", v2)
        .route("/oauth/token", post(oauth::token))
        .fallback(api::unknown_endpoint)
        .layer(from_fn_with_state(app.clone(), gate::gate));
    control::router()
        .merge(served)
        .layer(from_fn_with_state(app.clone(), gate::track))
        .with_state(app)
}

async fn serve(listener: tokio::net::TcpListener, app: App, stop: oneshot::Receiver<()>) {
    let service = router(app).into_make_service_with_connect_info::<ConnHandle>();
    let result = axum::serve(KillableListener::new(listener), service)
        .with_graceful_shutdown(async {
            // A dropped sender (handle dropped) also stops the server.
            let _ = stop.await;
        })
        .await;
    if let Err(e) = result {
        tracing::error!("zoom-sim server failed: {e}");
    }
}

fn prepare(config: SimConfig) -> anyhow::Result<(std::net::TcpListener, App)> {
    if !config.listen.ip().is_loopback() {
        bail!(
            "zoom-sim listens on loopback addresses only, not {}",
            config.listen
        );
    }
    let listener = std::net::TcpListener::bind(config.listen)
        .with_context(|| format!("binding {}", config.listen))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let mut sim = Sim::new(config)?;
    sim.base_url = format!("http://{addr}");
    Ok((listener, App::new(sim)))
}

/// Start the simulator on the current tokio runtime.
pub async fn spawn(config: SimConfig) -> anyhow::Result<SimHandle> {
    let (listener, app) = prepare(config)?;
    let addr = listener.local_addr()?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(serve(listener, app.clone(), rx));
    Ok(SimHandle {
        addr,
        app,
        stop: Some(tx),
        runner: Some(Runner::Task(task)),
    })
}

/// Start the simulator on its own thread and runtime, for callers without a runtime
/// (e.g. plain `#[test]` functions driving the provider binary).
pub fn spawn_in_thread(config: SimConfig) -> anyhow::Result<SimHandle> {
    let (listener, app) = prepare(config)?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel();
    let thread_app = app.clone();
    let thread = std::thread::Builder::new()
        .name("zoom-sim".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!("zoom-sim runtime failed: {e}");
                    return;
                }
            };
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => serve(listener, thread_app, rx).await,
                    Err(e) => tracing::error!("zoom-sim listener failed: {e}"),
                }
            });
        })?;
    Ok(SimHandle {
        addr,
        app,
        stop: Some(tx),
        runner: Some(Runner::Thread(thread)),
    })
}

enum Runner {
    Task(tokio::task::JoinHandle<()>),
    Thread(std::thread::JoinHandle<()>),
}

/// A running simulator. Dropping it stops the server (in-flight requests finish).
pub struct SimHandle {
    addr: SocketAddr,
    app: App,
    stop: Option<oneshot::Sender<()>>,
    runner: Option<Runner>,
}

impl SimHandle {
    /// The bound address (always loopback).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/v2`: the provider's `api_url`.
    pub fn api_url(&self) -> String {
        format!("{}/v2", self.base_url())
    }

    /// `http://127.0.0.1:PORT/oauth/token`: the provider's `token_url`.
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token", self.base_url())
    }

    /// Counters since start or the last reset.
    pub fn stats(&self) -> Stats {
        self.app.lock().stats.clone()
    }

    /// Clear the counters and the request log.
    pub fn reset_stats(&self) {
        let mut sim = self.app.lock();
        sim.stats = Stats::default();
        sim.log.clear();
    }

    /// The request log, oldest first.
    pub fn log(&self) -> Vec<LogEntry> {
        self.app.lock().log.since(0)
    }

    /// Roles with their members, and users with their role ids.
    pub fn state(&self) -> DirectoryDump {
        self.app.lock().dir.dump()
    }

    /// The same for sub-account `account` (`None` if it isn't one).
    pub fn sub_account_state(&self, account: &str) -> Option<DirectoryDump> {
        self.app.lock().subs.get(account).map(Directory::dump)
    }

    /// The current switches.
    pub fn switches(&self) -> Switches {
        self.app.lock().switches.clone()
    }

    /// Change switches at runtime; invalid settings are refused and nothing changes.
    pub fn update_switches(&self, f: impl FnOnce(&mut Switches)) -> anyhow::Result<()> {
        let mut sim = self.app.lock();
        let mut next = sim.switches.clone();
        f(&mut next);
        next.validate().map_err(anyhow::Error::msg)?;
        sim.switches = next;
        Ok(())
    }

    /// Queue a scripted fault (one with a count of 0 is dropped: it would never fire).
    pub fn push_fault(&self, fault: ScriptedFault) {
        self.app.lock().push_faults([fault]);
    }

    /// Add users at runtime (all or none).
    pub fn add_users(&self, users: Vec<UserSeed>) -> anyhow::Result<()> {
        self.app
            .lock()
            .dir
            .add_users(users)
            .map_err(|e| anyhow::Error::msg(e.message))
    }

    /// Set a user's status (`active`, `inactive` or `pending`), by id or email: e.g. an
    /// invited user accepting between two pages of `GET /users`.
    pub fn set_user_status(&self, who: &str, status: &str) -> anyhow::Result<()> {
        self.app
            .lock()
            .dir
            .set_user_status(who, status)
            .map_err(|e| anyhow::Error::msg(e.message))
    }

    /// A valid bearer token, issued without the OAuth exchange (not counted).
    pub fn issue_token(&self) -> String {
        self.app.lock().issue_token(Instant::now()).token
    }

    /// Every token issued since start (OAuth and [`Self::issue_token`]), oldest first,
    /// expired and revoked ones included. Static tokens are not listed.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.app.lock().issued_tokens().to_vec()
    }

    /// Invalidate every issued token (static tokens stay valid).
    pub fn expire_tokens(&self) {
        self.app.lock().expire_tokens();
    }

    /// Hold the next requests matching `rule` before their handler, until
    /// [`Self::release_holds`] (see [`HoldRule`]).
    pub fn hold(&self, rule: HoldRule) {
        self.app.lock().holds.add([rule]);
    }

    /// What the holds have done: requests held, waiting, released, abandoned.
    pub fn holds(&self) -> HoldStatus {
        self.app.lock().holds.status()
    }

    /// Let every held request go on to its handler (rules with uses left stay).
    pub fn release_holds(&self) {
        self.app.lock().holds.release();
    }

    /// Drop every hold rule and release what they hold.
    pub fn clear_holds(&self) {
        self.app.lock().holds.clear();
    }

    /// Stop the server and wait (up to 5 s) for it to finish.
    pub async fn shutdown(mut self) {
        self.app.lock().holds.close();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.runner.take() {
            Some(Runner::Task(task)) => {
                let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
            }
            Some(Runner::Thread(thread)) => {
                let _ = tokio::task::spawn_blocking(move || thread.join()).await;
            }
            None => {}
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        // Held requests would keep the server from finishing.
        self.app.lock().holds.close();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
