//! Request accounting for tests: counters per route key and status, and an ordered
//! request log (`GET /_sim/stats`, `GET /_sim/log`).
//!
//! A route key is the method plus the route template without `/v2`, e.g.
//! `GET /roles/{roleId}/members`; the token endpoint is `POST /oauth/token`; paths that
//! match no route are `<METHOD> (unmatched)`. Control routes (`/_sim/...`) are not counted.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

/// Counters since start or the last reset.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Stats {
    pub total: u64,
    /// Requests per route key.
    pub by_route: BTreeMap<String, u64>,
    /// Requests per HTTP status (as a string, e.g. `"201"`).
    pub by_status: BTreeMap<String, u64>,
    /// Requests per route key, then per status.
    pub by_route_status: BTreeMap<String, BTreeMap<String, u64>>,
    /// Requests per route key whose connection was dropped without an answer (they are
    /// also counted above with the status that was not delivered).
    pub dropped: BTreeMap<String, u64>,
}

impl Stats {
    pub(crate) fn record(&mut self, route: &str, status: u16, dropped: bool) {
        let status = status.to_string();
        self.total += 1;
        *self.by_route.entry(route.to_string()).or_default() += 1;
        *self.by_status.entry(status.clone()).or_default() += 1;
        *self
            .by_route_status
            .entry(route.to_string())
            .or_default()
            .entry(status)
            .or_default() += 1;
        if dropped {
            *self.dropped.entry(route.to_string()).or_default() += 1;
        }
    }

    /// Requests to a route key, whatever their status.
    pub fn count(&self, route: &str) -> u64 {
        self.by_route.get(route).copied().unwrap_or(0)
    }

    /// Requests to a route key answered with `status`.
    pub fn count_status(&self, route: &str, status: u16) -> u64 {
        self.by_route_status
            .get(route)
            .and_then(|m| m.get(&status.to_string()))
            .copied()
            .unwrap_or(0)
    }
}

/// One request, in arrival-of-answer order.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LogEntry {
    /// Increasing from 1; not reset by `POST /_sim/stats/reset`.
    pub seq: u64,
    pub method: String,
    pub route: String,
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    pub status: u16,
    /// The connection was closed instead of delivering `status`.
    pub dropped: bool,
    /// The `x-zm-trackingid` the answer carried.
    pub tracking_id: String,
    /// Milliseconds since the simulator started.
    pub at_ms: u64,
}

/// Bounded request log.
pub(crate) struct RequestLog {
    entries: VecDeque<LogEntry>,
    capacity: usize,
    next_seq: u64,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        RequestLog {
            entries: VecDeque::new(),
            capacity: capacity.max(1),
            next_seq: 1,
        }
    }

    pub(crate) fn push(&mut self, mut entry: LogEntry) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub(crate) fn since(&self, seq: u64) -> Vec<LogEntry> {
        self.entries
            .iter()
            .filter(|e| e.seq > seq)
            .cloned()
            .collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}
