//! Held requests: a hold rule makes the next matching `/v2` requests wait, after the gate
//! has judged them and before their handler runs, until a test releases them. So a test
//! can make a change at a known point between two requests (page 2 of a listing waits
//! while a member joins the role), or keep a write on the wire for as long as it likes
//! (while it interrupts the client). A held request whose client goes away before the
//! release is counted as abandoned: its handler never runs and it is never answered.

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::state::App;

/// Hold the next `count` requests to `route` (whose query contains `query_contains`,
/// when given) until [`release`](crate::sim::SimHandle::release_holds).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct HoldRule {
    /// A route key such as `POST /roles`, or `*` for any `/v2` route.
    pub route: String,
    /// Only requests whose query string contains this, e.g. `next_page_token=` for the
    /// pages after the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_contains: Option<String>,
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// What the holds have done so far (`GET /_sim/holds`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct HoldStatus {
    /// Rules with uses left.
    pub rules: Vec<HoldRule>,
    /// Requests held so far.
    pub held: u32,
    /// Requests waiting now.
    pub waiting: u32,
    /// Held requests that went on to their handler.
    pub released: u32,
    /// Held requests whose client closed the connection first: never handled or answered.
    pub abandoned: u32,
}

/// The holds of one simulator (in its state).
pub(crate) struct Holds {
    status: HoldStatus,
    /// Bumped by every release; a held request waits for it to change.
    generation: watch::Sender<u64>,
    /// Set at shutdown: everything waiting goes on, nothing more is held.
    closed: bool,
}

impl Default for Holds {
    fn default() -> Self {
        Holds {
            status: HoldStatus::default(),
            generation: watch::Sender::new(0),
            closed: false,
        }
    }
}

impl Holds {
    pub fn status(&self) -> HoldStatus {
        self.status.clone()
    }

    /// Add rules (one with a count of 0 would never hold anything, so it is dropped).
    pub fn add(&mut self, rules: impl IntoIterator<Item = HoldRule>) {
        self.status
            .rules
            .extend(rules.into_iter().filter(|r| r.count > 0));
    }

    /// Let every waiting request go on; rules with uses left stay.
    pub fn release(&mut self) {
        self.generation.send_modify(|g| *g += 1);
    }

    /// Drop every rule and release what they hold.
    pub fn clear(&mut self) {
        self.status.rules.clear();
        self.release();
    }

    /// Release everything and hold nothing more (the server is stopping).
    pub fn close(&mut self) {
        self.closed = true;
        self.clear();
    }

    /// Takes one use of the first rule matching this request, if any.
    fn take(&mut self, route: &str, query: Option<&str>) -> Option<watch::Receiver<u64>> {
        if self.closed {
            return None;
        }
        let idx = self.status.rules.iter().position(|r| {
            (r.route == "*" || r.route == route)
                && r.query_contains
                    .as_deref()
                    .is_none_or(|q| query.is_some_and(|have| have.contains(q)))
        })?;
        let rule = &mut self.status.rules[idx];
        rule.count -= 1;
        if rule.count == 0 {
            self.status.rules.remove(idx);
        }
        self.status.held += 1;
        self.status.waiting += 1;
        let mut rx = self.generation.subscribe();
        rx.mark_unchanged();
        Some(rx)
    }
}

/// Waits while a hold rule holds this request. Returns at once when none matches.
/// Dropped while waiting (the client went away), it counts the request as abandoned.
pub(crate) async fn wait_if_held(app: &App, route: &str, query: Option<&str>) {
    let Some(mut rx) = app.lock().holds.take(route, query) else {
        return;
    };
    tracing::debug!(%route, "request held");
    let mut waiting = Waiting { app, done: false };
    // The sender lives in the state, as long as the app: an error cannot happen.
    let _ = rx.changed().await;
    waiting.done = true;
    let mut sim = app.lock();
    sim.holds.status.waiting -= 1;
    sim.holds.status.released += 1;
}

struct Waiting<'a> {
    app: &'a App,
    done: bool,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if !self.done {
            let mut sim = self.app.lock();
            sim.holds.status.waiting -= 1;
            sim.holds.status.abandoned += 1;
            tracing::debug!("held request abandoned by its client");
        }
    }
}
