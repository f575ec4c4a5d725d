//! Coalescing assignments: concurrent requests to put single users into the same role
//! become assign calls of up to 30 members (Zoom's limit per call). A role's queue leaves
//! when it holds 30, when no assignment for any role has arrived for a quiet spell
//! (everyone Terraform is applying right now has queued), or when its oldest request has
//! waited long enough; new requests queue while a call is in flight. The quiet spell is
//! six times the recent gap between arrivals (20–200 ms): short when Terraform hands
//! over a burst and waits, long while applies keep trickling in. So Terraform's parallel
//! applies share calls as far as its parallelism allows, and a lone apply waits 20 ms. Every caller still gets its own outcome: when a batch fails for a reason that may
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

/// Bounds of the quiet spell after which a queue leaves.
const QUIET_MIN: Duration = Duration::from_millis(20);
const QUIET_MAX: Duration = Duration::from_millis(200);
/// Gaps longer than this are idle time, not the rhythm of an apply.
const IDLE_GAP: Duration = Duration::from_secs(1);
/// ... or once its oldest request has waited this long, whatever else is arriving.
const MAX_LINGER: Duration = Duration::from_secs(2);
/// How often a lingering queue looks again.
const POLL: Duration = Duration::from_millis(10);

type Waiter = (MemberRef, oneshot::Sender<Result<(), Error>>, Instant);

#[derive(Default)]
struct Queue {
    pending: Vec<Waiter>,
    draining: bool,
}

struct Queues {
    by_role: HashMap<String, Queue>,
    last_arrival: Instant,
    /// Moving average of the gap between arrivals.
    gap: Duration,
}

impl Queues {
    fn quiet(&self) -> Duration {
        (self.gap * 6).clamp(QUIET_MIN, QUIET_MAX)
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
                gap: Duration::ZERO,
            })),
        }
    }

    /// Assigns one member to `role_id`, sharing the call with concurrent requests.
    pub async fn assign(&self, role_id: &str, member: MemberRef) -> Result<(), Error> {
        let (tx, rx) = oneshot::channel();
        let start = {
            let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let gap = now - queues.last_arrival;
            if gap < IDLE_GAP {
                queues.gap = (queues.gap * 4 + gap) / 5;
            }
            queues.last_arrival = now;
            let q = queues.by_role.entry(role_id.to_string()).or_default();
            q.pending.push((member, tx, now));
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
                    let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
                    let quiet = queues.last_arrival.elapsed() >= queues.quiet();
                    let Some(q) = queues.by_role.get_mut(role_id) else {
                        return;
                    };
                    let Some(oldest) = q.pending.first().map(|w| w.2) else {
                        queues.by_role.remove(role_id);
                        return;
                    };
                    if q.pending.len() >= MAX_MEMBERS_PER_ASSIGN
                        || quiet
                        || oldest.elapsed() >= MAX_LINGER
                    {
                        let n = q.pending.len().min(MAX_MEMBERS_PER_ASSIGN);
                        break q.pending.drain(..n).collect();
                    }
                }
                tokio::time::sleep(POLL).await;
            };
            self.send(role_id, batch).await;
        }
    }

    async fn send(&self, role_id: &str, batch: Vec<Waiter>) {
        let members: Vec<MemberRef> = batch.iter().map(|(m, _, _)| m.clone()).collect();
        tracing::debug!(role_id, members = members.len(), "assigning a batch");
        match self.client.assign_members(role_id, &members).await {
            Ok(_) => {
                for (_, tx, _) in batch {
                    let _ = tx.send(Ok(()));
                }
            }
            Err(e) if batch.len() > 1 && may_concern_one_member(&e) => {
                tracing::debug!(role_id, error = %e, "batch refused; assigning one by one");
                for (m, tx, _) in batch {
                    let one = self
                        .client
                        .assign_members(role_id, std::slice::from_ref(&m))
                        .await
                        .map(|_| ());
                    let _ = tx.send(one);
                }
            }
            Err(e) => {
                for (_, tx, _) in batch {
                    let _ = tx.send(Err(e.clone()));
                }
            }
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
