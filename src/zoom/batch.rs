//! Coalescing assignments: concurrent requests to put single users into the same role
//! become assign calls of up to 30 members (Zoom's limit per call). While a call for a role
//! is in flight, new requests for that role queue up and leave together in the next call,
//! so Terraform's parallel applies cost about one call per 30 memberships instead of one
//! each. Every caller still gets its own outcome: when a batch fails for a reason that may
//! concern one member (an unknown user, a refused assignment), its members are retried one
//! by one, so one bad user fails alone.
//!
//! Repeating an assignment is harmless (the user already holds the role), so retrying
//! members individually after a failed batch is safe.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

use super::{Error, ErrorKind, MemberRef, ZoomClient, MAX_MEMBERS_PER_ASSIGN};

/// How long the first request for an idle role waits for others to join it.
const COLLECT_WINDOW: Duration = Duration::from_millis(10);

type Waiter = (MemberRef, oneshot::Sender<Result<(), Error>>);

#[derive(Default)]
struct Queue {
    pending: Vec<Waiter>,
    draining: bool,
}

/// Per-role assignment queues in front of one client.
#[derive(Clone)]
pub struct AssignBatcher {
    client: ZoomClient,
    queues: Arc<Mutex<HashMap<String, Queue>>>,
}

impl AssignBatcher {
    pub fn new(client: ZoomClient) -> AssignBatcher {
        AssignBatcher {
            client,
            queues: Arc::default(),
        }
    }

    /// Assigns one member to `role_id`, sharing the call with concurrent requests.
    pub async fn assign(&self, role_id: &str, member: MemberRef) -> Result<(), Error> {
        let (tx, rx) = oneshot::channel();
        let start = {
            let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
            let q = queues.entry(role_id.to_string()).or_default();
            q.pending.push((member, tx));
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
        tokio::time::sleep(COLLECT_WINDOW).await;
        loop {
            let batch: Vec<Waiter> = {
                let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
                let Some(q) = queues.get_mut(role_id) else {
                    return;
                };
                if q.pending.is_empty() {
                    queues.remove(role_id);
                    return;
                }
                let n = q.pending.len().min(MAX_MEMBERS_PER_ASSIGN);
                q.pending.drain(..n).collect()
            };
            self.send(role_id, batch).await;
        }
    }

    async fn send(&self, role_id: &str, batch: Vec<Waiter>) {
        let members: Vec<MemberRef> = batch.iter().map(|(m, _)| m.clone()).collect();
        tracing::debug!(role_id, members = members.len(), "assigning a batch");
        match self.client.assign_members(role_id, &members).await {
            Ok(_) => {
                for (_, tx) in batch {
                    let _ = tx.send(Ok(()));
                }
            }
            Err(e) if batch.len() > 1 && may_concern_one_member(&e) => {
                tracing::debug!(role_id, error = %e, "batch refused; assigning one by one");
                for (m, tx) in batch {
                    let one = self
                        .client
                        .assign_members(role_id, std::slice::from_ref(&m))
                        .await
                        .map(|_| ());
                    let _ = tx.send(one);
                }
            }
            Err(e) => {
                for (_, tx) in batch {
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
