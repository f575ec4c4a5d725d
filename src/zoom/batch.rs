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
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::{Error, ErrorKind, MemberRef, ZoomClient, MAX_MEMBERS_PER_ASSIGN};

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
    fn settled(&self) -> bool {
        if self.in_flight > 0 {
            return false;
        }
        let quiet = if self.sent_any && self.pending * 4 >= self.peak * 3 {
            QUIET_SHORT
        } else {
            QUIET_LONG
        };
        self.last_arrival.elapsed() >= quiet
    }
}

/// Per-role assignment queues in front of one client.
#[derive(Clone)]
pub struct AssignBatcher {
    client: ZoomClient,
    queues: Arc<Mutex<Queues>>,
}

impl AssignBatcher {
    pub fn new(client: ZoomClient) -> AssignBatcher {
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
                    if queues.settled() {
                        queues.released_before = Some(Instant::now());
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
                        || oldest.elapsed() >= MAX_LINGER
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
