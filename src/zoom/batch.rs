//! Coalescing assignments: concurrent requests to put single users into the same role
//! become assign calls of up to 30 members (Zoom's limit per call). A role's queue leaves
//! when it holds 30, or, for every waiting queue at once, when Terraform has nothing more
//! to hand over: no assign call is on the wire (each one that returns lets Terraform start
//! that many more applies) and no assignment has arrived for a quiet spell. The spell is
//! 20 ms once most of what Terraform has ever had outstanding (its parallelism: it cannot
//! hand over more) is waiting, else 200 ms, longer than the pauses Terraform makes as an
//! apply starts and between waves of completions. A queue also leaves once its
//! oldest request has waited 2 s, whatever else is happening. So Terraform's parallel
//! applies share calls as far as its parallelism allows, and a lone apply waits 200 ms.
//! Every caller still gets its own outcome: when a batch fails for a reason that may
//! concern one member (an unknown user, a refused assignment), its members are retried one
//! by one, so one bad user fails alone.
//!
//! Repeating an assignment is harmless (the user already holds the role), so retrying
//! members individually after a failed batch is safe.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;
// Tokio's clock, as in the rest of the client: the same as the system's monotonic clock,
// except in tests that pause it, where the quiet spells and lingering are exact.
use tokio::time::Instant;

use super::{AssignResult, Error, ErrorKind, MemberRef, ZoomClient, MAX_MEMBERS_PER_ASSIGN};

/// Silence after which waiting queues leave when all of Terraform's parallelism is
/// waiting on us (it has nothing more to hand over) ...
const QUIET_SHORT: Duration = Duration::from_millis(20);
/// ... and otherwise: longer than Terraform's pauses as an apply starts and between waves.
const QUIET_LONG: Duration = Duration::from_millis(200);
/// ... or once its oldest request has waited this long, whatever else is arriving.
const MAX_LINGER: Duration = Duration::from_secs(2);
/// How often a lingering queue looks again.
const POLL: Duration = Duration::from_millis(10);

type Waiter = (MemberRef, oneshot::Sender<Result<(), Error>>, Instant);
type Outcome = (oneshot::Sender<Result<(), Error>>, Result<(), Error>);

#[derive(Default)]
struct Queue {
    pending: Vec<Waiter>,
    draining: bool,
}

struct Queues {
    by_role: HashMap<String, Queue>,
    last_arrival: Instant,
    /// Requests waiting in all queues.
    pending: usize,
    /// Assign calls on the wire, for all roles, and the members they carry.
    in_flight: usize,
    members_in_flight: usize,
    /// The most requests ever outstanding at once (waiting or on the wire): Terraform's
    /// parallelism, as far as this apply has shown it (not at all before the first call).
    peak: usize,
    sent_any: bool,
    /// Requests that arrived before this may leave in a partial batch: set for every
    /// queue at once when Terraform has nothing more to hand over.
    released_before: Option<Instant>,
}

impl Queues {
    /// Whether Terraform has handed over all it will until some of our calls return:
    /// nothing is on the wire, and arrivals have stopped for a short quiet spell while most
    /// of Terraform's parallelism (three quarters of the peak: the rest is busy in
    /// Terraform itself) is waiting on us. Before the first call, or while fewer wait, only
    /// a long silence says so: Terraform pauses for over 100 ms as an apply starts and
    /// after each wave of completions, before it hands over the next ones.
    fn settled(&self, now: Instant) -> bool {
        if self.in_flight > 0 {
            return false;
        }
        let quiet = if self.sent_any && self.pending * 4 >= self.peak * 3 {
            QUIET_SHORT
        } else {
            QUIET_LONG
        };
        now.saturating_duration_since(self.last_arrival) >= quiet
    }
}

/// The call a batch leaves in: [`ZoomClient::assign_members`]. The batching tests put a
/// stand-in without a network here, so they can run in paused time, where arrivals, quiet
/// spells and call latencies happen exactly when they say and the counts they assert do
/// not depend on how busy the machine is.
#[async_trait::async_trait]
pub(crate) trait AssignCall: Send + Sync {
    async fn assign_members(
        &self,
        role_id: &str,
        members: &[MemberRef],
    ) -> Result<AssignResult, Error>;
}

#[async_trait::async_trait]
impl AssignCall for ZoomClient {
    async fn assign_members(
        &self,
        role_id: &str,
        members: &[MemberRef],
    ) -> Result<AssignResult, Error> {
        ZoomClient::assign_members(self, role_id, members).await
    }
}

/// Per-role assignment queues in front of one client.
#[derive(Clone)]
pub struct AssignBatcher {
    client: Arc<dyn AssignCall>,
    queues: Arc<Mutex<Queues>>,
}

impl AssignBatcher {
    pub fn new(client: ZoomClient) -> AssignBatcher {
        AssignBatcher::with_call(Arc::new(client))
    }

    pub(crate) fn with_call(client: Arc<dyn AssignCall>) -> AssignBatcher {
        AssignBatcher {
            client,
            queues: Arc::new(Mutex::new(Queues {
                by_role: HashMap::new(),
                last_arrival: Instant::now(),
                pending: 0,
                in_flight: 0,
                members_in_flight: 0,
                peak: 0,
                sent_any: false,
                released_before: None,
            })),
        }
    }

    /// Assigns one member to `role_id`, sharing the call with concurrent requests.
    pub async fn assign(&self, role_id: &str, member: MemberRef) -> Result<(), Error> {
        let (tx, rx) = oneshot::channel();
        let start = {
            let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            queues.last_arrival = now;
            queues.pending += 1;
            queues.peak = queues.peak.max(queues.pending + queues.members_in_flight);
            let q = queues.by_role.entry(role_id.to_string()).or_default();
            q.pending.push((member, tx, now));
            tracing::trace!(role_id, queued = q.pending.len(), "assignment queued");
            !std::mem::replace(&mut q.draining, true)
        };
        if start {
            // The drain runs on its own task so that a caller cancelled mid-call doesn't
            // strand the others waiting on the same batch.
            let this = self.clone();
            let role = role_id.to_string();
            tokio::spawn(async move { this.drain(&role).await });
        }
        rx.await.unwrap_or_else(|_| {
            Err(Error::new(
                ErrorKind::Transient,
                format!("assign a member to role {role_id}"),
                "the batch carrying this assignment was abandoned",
            ))
        })
    }

    async fn drain(&self, role_id: &str) {
        loop {
            let batch: Vec<Waiter> = loop {
                {
                    let mut guard = self.queues.lock().unwrap_or_else(|e| e.into_inner());
                    let queues = &mut *guard;
                    let now = Instant::now();
                    if queues.settled(now) {
                        queues.released_before = Some(now);
                    }
                    let Some(q) = queues.by_role.get_mut(role_id) else {
                        return;
                    };
                    let Some(oldest) = q.pending.first().map(|w| w.2) else {
                        queues.by_role.remove(role_id);
                        return;
                    };
                    if q.pending.len() >= MAX_MEMBERS_PER_ASSIGN
                        || queues.released_before.is_some_and(|t| oldest < t)
                        || now.saturating_duration_since(oldest) >= MAX_LINGER
                    {
                        let n = q.pending.len().min(MAX_MEMBERS_PER_ASSIGN);
                        let batch: Vec<Waiter> = q.pending.drain(..n).collect();
                        queues.pending -= n;
                        queues.in_flight += 1;
                        queues.members_in_flight += n;
                        queues.sent_any = true;
                        break batch;
                    }
                }
                tokio::time::sleep(POLL).await;
            };
            let n = batch.len();
            let outcomes = self.send(role_id, batch).await;
            {
                // Off the wire before the callers hear back: Terraform hands over the next
                // applies as soon as they do, and those must not count these as outstanding.
                let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
                queues.in_flight -= 1;
                queues.members_in_flight -= n;
            }
            for (tx, result) in outcomes {
                let _ = tx.send(result);
            }
        }
    }

    /// Makes the call (and, after a refusal that may concern one member, one call per
    /// member); returns each waiter's outcome.
    async fn send(&self, role_id: &str, batch: Vec<Waiter>) -> Vec<Outcome> {
        let members: Vec<MemberRef> = batch.iter().map(|(m, _, _)| m.clone()).collect();
        tracing::debug!(role_id, members = members.len(), "assigning a batch");
        match self.client.assign_members(role_id, &members).await {
            Ok(_) => batch.into_iter().map(|(_, tx, _)| (tx, Ok(()))).collect(),
            Err(e) if batch.len() > 1 && may_concern_one_member(&e) => {
                tracing::debug!(role_id, error = %e, "batch refused; assigning one by one");
                let mut out = Vec::with_capacity(batch.len());
                for (m, tx, _) in batch {
                    let one = self
                        .client
                        .assign_members(role_id, std::slice::from_ref(&m))
                        .await
                        .map(|_| ());
                    out.push((tx, one));
                }
                out
            }
            Err(e) => batch
                .into_iter()
                .map(|(_, tx, _)| (tx, Err(e.clone())))
                .collect(),
        }
    }
}

/// A failure one member could cause (unknown user, refused user); not one that concerns the
/// role or the account, which would fail every member alike.
fn may_concern_one_member(e: &Error) -> bool {
    match e.kind() {
        ErrorKind::NotFound => e.zoom_code() != Some(1034),
        ErrorKind::Validation => true,
        _ => false,
    }
}

/// The batching policy in paused time: a stand-in for the call (each takes 20 to 50 ms, a
/// fixed sequence, and records its members) instead of a network, so every arrival, quiet
/// spell and return happens at an exact instant and the counts are the same on a busy
/// machine as on an idle one. `tests/client/batch.rs` runs the batcher against zoom-sim.
#[cfg(test)]
mod tests {
    use super::*;
    use futures::future::join_all;
    use tokio::sync::Semaphore;

    #[derive(Default)]
    struct Calls(Mutex<Vec<(String, Vec<MemberRef>)>>);

    impl Calls {
        fn sizes(&self) -> Vec<usize> {
            self.0
                .lock()
                .unwrap()
                .iter()
                .map(|(_, m)| m.len())
                .collect()
        }

        fn members_of(&self, role: &str) -> Vec<MemberRef> {
            let calls = self.0.lock().unwrap();
            let mut all: Vec<MemberRef> = calls
                .iter()
                .filter(|(r, _)| r == role)
                .flat_map(|(_, m)| m.iter().cloned())
                .collect();
            all.sort_by_key(|m| format!("{m:?}"));
            all
        }
    }

    #[async_trait::async_trait]
    impl AssignCall for Calls {
        async fn assign_members(
            &self,
            role_id: &str,
            members: &[MemberRef],
        ) -> Result<AssignResult, Error> {
            let n = {
                let mut calls = self.0.lock().unwrap();
                calls.push((role_id.to_string(), members.to_vec()));
                calls.len() as u64
            };
            tokio::time::sleep(Duration::from_millis(20 + (n * 13) % 31)).await;
            Ok(AssignResult::default())
        }
    }

    fn user(i: u64) -> MemberRef {
        MemberRef::Id(format!("u{i:05}"))
    }

    fn users(range: std::ops::RangeInclusive<u64>, step: usize) -> Vec<MemberRef> {
        range.step_by(step).map(user).collect()
    }

    /// Terraform hands over at most `-parallelism` applies at a time and a new one only
    /// when one returns. With 240 members over two roles and a parallelism of 100, the
    /// calls are all full (2 x 120/30 = 8): what is left after the full calls leave waits
    /// while they are on the wire, because each returning call lets Terraform hand over
    /// more.
    #[tokio::test(start_paused = true)]
    async fn waves_of_bounded_parallelism_fill_their_calls() {
        let calls = Arc::new(Calls::default());
        let batcher = AssignBatcher::with_call(calls.clone());
        let parallelism = Arc::new(Semaphore::new(100));
        let tasks = (1..=240u64).map(|i| {
            let (b, slots) = (batcher.clone(), parallelism.clone());
            let role = if i % 2 == 0 { "1" } else { "Helpdesk" };
            async move {
                let _slot = slots.acquire().await.unwrap();
                // Terraform's own work before each apply: longer than a short quiet spell.
                tokio::time::sleep(Duration::from_millis(60 + i % 5)).await;
                b.assign(role, user(i)).await
            }
        });
        let results = join_all(tasks).await;
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(calls.members_of("1"), users(2..=240, 2));
        assert_eq!(calls.members_of("Helpdesk"), users(1..=239, 2));
        assert_eq!(calls.sizes(), vec![30; 8], "every call full");
    }

    /// A queue that never falls quiet (an arrival every 90 ms, shorter than the long
    /// quiet spell) leaves once its oldest request has waited 2 s; the rest leave when
    /// the arrivals stop.
    #[tokio::test(start_paused = true)]
    async fn a_queue_that_never_falls_quiet_leaves_after_lingering() {
        let calls = Arc::new(Calls::default());
        let batcher = AssignBatcher::with_call(calls.clone());
        let mut waiting = Vec::new();
        for i in 1..=25u64 {
            let b = batcher.clone();
            waiting.push(tokio::spawn(async move { b.assign("1", user(i)).await }));
            tokio::time::sleep(Duration::from_millis(90)).await;
        }
        for w in waiting {
            w.await.unwrap().unwrap();
        }
        assert_eq!(calls.members_of("1"), users(1..=25, 1));
        // The 23 arrivals at 0, 90, ..., 1980 ms leave at 2000 ms, when the first has
        // waited 2 s; the two after (2070, 2160 ms) once arrivals stop for 200 ms.
        assert_eq!(calls.sizes(), vec![23, 2]);
    }

    /// A lone assignment leaves on its own, in one call.
    #[tokio::test(start_paused = true)]
    async fn a_lone_assignment_leaves_alone() {
        let calls = Arc::new(Calls::default());
        let batcher = AssignBatcher::with_call(calls.clone());
        batcher.assign("1", user(7)).await.unwrap();
        assert_eq!(calls.members_of("1"), vec![user(7)]);
        assert_eq!(calls.sizes(), vec![1]);
    }
}
