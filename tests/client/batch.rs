//! The assignment batcher against the simulator: concurrent single assignments to one role
//! leave in calls of up to 30, waves of bounded parallelism still fill their calls, every
//! caller gets its own outcome, and one unknown user fails alone while the rest of its
//! batch is assigned.

use std::sync::Arc;
use std::time::Duration;

use crate::support::{client, start};
use futures::future::join_all;
use terraform_provider_zoom::sim::SimConfig;
use terraform_provider_zoom::zoom::{AssignBatcher, CreateRole, MemberRef};
use tokio::sync::Semaphore;

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

/// Terraform hands over at most `-parallelism` applies at a time and a new one only when
/// one returns. With 240 members over two roles and a parallelism of 100, the calls should
/// all be full: what is left after the full calls leave waits while they are on the wire,
/// because each returning call lets Terraform hand over more.
#[tokio::test]
async fn waves_of_bounded_parallelism_fill_their_calls() {
    let sim = start(SimConfig::default().with_users(240).with_switches(|s| {
        s.latency_min_ms = 20;
        s.latency_max_ms = 50;
    }))
    .await;
    let c = client(&sim);
    let mut roles = vec!["1".to_string()];
    for name in ["Helpdesk"] {
        let role = c
            .create_role(&CreateRole {
                name: name.into(),
                description: None,
                role_type: None,
                privileges: vec!["User:Read".into()],
            })
            .await
            .unwrap();
        roles.push(role.id);
    }
    let batcher = AssignBatcher::new(c);
    let parallelism = Arc::new(Semaphore::new(100));
    let tasks = (1..=240u64).map(|i| {
        let (b, slots) = (batcher.clone(), parallelism.clone());
        let role = roles[(i % 2) as usize].clone();
        async move {
            let _slot = slots.acquire().await.unwrap();
            // Terraform's own work before each apply: longer than a short quiet spell.
            tokio::time::sleep(Duration::from_millis(60 + i % 5)).await;
            b.assign(&role, MemberRef::Id(format!("u{i:05}"))).await
        }
    });
    let results = join_all(tasks).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    for role in &roles {
        assert_eq!(sim.state().members_of(role).unwrap().len(), 120);
    }
    let calls = sim.stats().count(ASSIGN);
    // The minimum is 2 x 120/30 = 8.
    assert!(
        calls <= 9,
        "{calls} assign calls for 240 members, minimum 8"
    );
}
