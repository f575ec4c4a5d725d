//! The assignment batcher against the simulator: concurrent single assignments to one role
//! leave in calls of up to 30, every caller gets its own outcome, and one unknown user
//! fails alone while the rest of its batch is assigned. Each case hands over all its
//! assignments at once, so its counts do not depend on timing; what depends on timing
//! (waves of bounded parallelism, quiet spells, lingering) is tested in paused time in
//! `src/zoom/batch.rs`.

use crate::support::{client, start};
use futures::future::join_all;
use terraform_provider_zoom::sim::SimConfig;
use terraform_provider_zoom::zoom::{AssignBatcher, MemberRef};

const ASSIGN: &str = "POST /roles/{roleId}/members";

#[tokio::test]
async fn concurrent_assignments_share_calls() {
    let sim = start(SimConfig::default().with_users(200).with_switches(|s| {
        s.latency_min_ms = 20;
        s.latency_max_ms = 20;
    }))
    .await;
    let batcher = AssignBatcher::new(client(&sim));
    let calls = (1..=150).map(|i| {
        let b = batcher.clone();
        async move { b.assign("1", MemberRef::Id(format!("u{i:05}"))).await }
    });
    let results = join_all(calls).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let state = sim.state();
    assert_eq!(state.members_of("1").unwrap().len(), 150);
    assert_eq!(sim.stats().count(ASSIGN), 5, "150 members in calls of 30");
}

#[tokio::test]
async fn one_unknown_user_fails_alone() {
    let sim = start(SimConfig::default().with_users(20)).await;
    let batcher = AssignBatcher::new(client(&sim));
    let mut who: Vec<MemberRef> = (1..=10)
        .map(|i| MemberRef::Id(format!("u{i:05}")))
        .collect();
    who.insert(4, MemberRef::Email("nobody@example.com".into()));
    let results = join_all(who.iter().cloned().map(|m| {
        let b = batcher.clone();
        async move { b.assign("1", m).await }
    }))
    .await;
    for (m, r) in who.iter().zip(&results) {
        match m {
            MemberRef::Email(_) => {
                let e = r.as_ref().expect_err("unknown user fails");
                assert!(e.is_not_found(), "{e}");
                assert!(e.to_string().contains("nobody@example.com"), "{e}");
            }
            MemberRef::Id(id) => {
                assert!(r.is_ok(), "{id}: {r:?}");
                assert_eq!(sim.state().role_of(id), Some("1"));
            }
        }
    }
    assert_eq!(
        sim.stats().count(ASSIGN),
        12,
        "one batch of 11, refused, then 11 one by one"
    );
}

#[tokio::test]
async fn a_role_wide_failure_reaches_every_caller_without_retrying_each() {
    let sim = start(SimConfig::default().with_users(5)).await;
    let batcher = AssignBatcher::new(client(&sim));
    let results = join_all((1..=5).map(|i| {
        let b = batcher.clone();
        async move {
            b.assign("NoSuchRole", MemberRef::Id(format!("u{i:05}")))
                .await
        }
    }))
    .await;
    assert!(results
        .iter()
        .all(|r| r.as_ref().is_err_and(|e| e.is_not_found())));
    assert_eq!(
        sim.stats().count(ASSIGN),
        1,
        "1034 concerns the role: no per-member retries"
    );
}
