//! Token renewal (on expiry and on 124), 429 with both `Retry-After` forms, timeouts,
//! mutations whose answers are lost (create, delete, assign, unassign), and 500 mixed
//! operations against a simulator injecting 5xx, 429s and dropped connections.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use crate::support::{capture_logs, client, config, ids, start};
use rand::{Rng, SeedableRng};
use terraform_provider_zoom::sim::{
    FaultKind, RetryAfterForm, ScriptedFault, SimConfig, MEMBER_ROLE,
};
use terraform_provider_zoom::zoom::{
    CreateRole, ErrorKind, MemberRef, Operation, RateLimits, UpdateRole, ZoomClient,
};

fn role(name: &str) -> CreateRole {
    CreateRole {
        name: name.into(),
        description: Some(String::new()),
        role_type: None,
        privileges: vec!["User:Read".into()],
    }
}

fn fault(route: &str, kind: FaultKind, count: u32) -> ScriptedFault {
    ScriptedFault {
        route: route.into(),
        kind,
        count,
    }
}

#[tokio::test]
async fn token_is_renewed_before_it_expires() {
    let sim = start(
        SimConfig::default()
            .with_seed(30)
            .with_switches(|s| s.token_lifetime_ms = 1000),
    )
    .await;
    let c = client(&sim);
    c.get_role("1").await.unwrap();
    assert_eq!(c.stats().token_fetches, 1);
    // Past the token's half-life (renewal point) and, on a slow machine, perhaps past its
    // end: either way the client fetches a new token before it sends, never after a 124.
    for round in 2..=3 {
        tokio::time::sleep(Duration::from_millis(600)).await;
        c.get_role("1").await.unwrap();
        let s = c.stats();
        assert_eq!(s.token_fetches, round, "{s:?}");
        assert_eq!((s.retries, s.token_renewals), (0, 0), "{s:?}");
    }
    assert_eq!(sim.stats().count_status("GET /roles/{roleId}", 401), 0);
}

#[tokio::test]
async fn a_124_renews_the_token_for_all_callers_as_often_as_needed_but_bounded() {
    let sim = start(SimConfig::default().with_users(30).with_seed(31)).await;
    let c = client(&sim);
    c.get_role("1").await.unwrap();
    assert_eq!(c.stats().token_fetches, 1);

    sim.expire_tokens();
    let tasks: Vec<_> = (1..=20)
        .map(|i| {
            let c = c.clone();
            tokio::spawn(async move { c.get_user(&format!("u{i:05}")).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(
        c.stats().token_fetches,
        2,
        "one renewal shared by every caller"
    );

    // The renewed token is ended too (another client of the app took a new one): renewed
    // again, and the request goes through.
    sim.push_fault(fault("GET /roles/{roleId}", FaultKind::InvalidToken, 3));
    c.get_role("1").await.unwrap();
    assert_eq!(c.stats().token_fetches, 5);

    // A token Zoom never accepts: a bounded number of renewals (6), then the credentials
    // advice; no loop.
    let renewals = c.stats().token_renewals;
    sim.push_fault(fault("GET /roles/{roleId}", FaultKind::InvalidToken, 7));
    let e = c.get_role("1").await.unwrap_err();
    assert_eq!(
        (e.kind(), e.zoom_code()),
        (&ErrorKind::Authentication, Some(124))
    );
    assert!(e.to_string().contains("freshly fetched"), "{e}");
    assert!(e.to_string().contains("after 7 attempts"), "{e}");
    assert_eq!(c.stats().token_fetches, 11);
    assert_eq!(c.stats().token_renewals - renewals, 6);
    c.get_role("1").await.unwrap();
}

/// The client's waits are read from its own "retrying" events (what it decided), not timed:
/// its backoff here is 10-200 ms, so a wait of a second or more comes from `Retry-After`.
#[tokio::test]
async fn rate_limited_answers_honour_retry_after_in_both_forms() {
    let (log, _guard) = capture_logs();
    let sim = start(SimConfig::default().with_seed(32)).await;
    let c = client(&sim);
    c.list_roles(None).await.unwrap();

    // Seconds: "Retry-After: 1", plus at most a quarter of the first backoff as jitter.
    sim.push_fault(fault("GET /roles", FaultKind::RateLimit, 1));
    c.list_roles(None).await.unwrap();
    let waits = log.retry_delays_ms();
    assert_eq!(waits.len(), 1, "{waits:?}");
    assert!((1000..=1050).contains(&waits[0]), "{waits:?}");
    assert_eq!((c.stats().rate_limited, c.stats().retries), (1, 1));

    // HTTP-date: a whole-second date about a second ahead. Start 50 ms into a second, so
    // the date is ~950 ms away: a client that ignored it would wait its backoff (at most
    // 200 ms) instead, and one that misread it as seconds would not stop at 1050 ms.
    sim.update_switches(|s| s.retry_after = RetryAfterForm::HttpDate)
        .unwrap();
    let into_second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_millis();
    tokio::time::sleep(Duration::from_millis(u64::from(
        (1050 - into_second) % 1000,
    )))
    .await;
    sim.push_fault(fault("GET /roles", FaultKind::RateLimit, 1));
    c.list_roles(None).await.unwrap();
    let waits = log.retry_delays_ms();
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert!((201..=2050).contains(&waits[1]), "{waits:?}");
    assert_eq!(c.stats().rate_limited, 2);

    // No header: backoff, never an immediate retry.
    sim.update_switches(|s| s.retry_after = RetryAfterForm::Omit)
        .unwrap();
    sim.push_fault(fault("GET /roles", FaultKind::RateLimit, 2));
    c.list_roles(None).await.unwrap();
    assert_eq!(c.stats().rate_limited, 4);
    let log = sim.log();
    let statuses: Vec<u16> = log
        .iter()
        .filter(|e| e.route == "GET /roles")
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, vec![200, 429, 200, 429, 200, 429, 429, 200]);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried() {
    let sim = start(SimConfig::default().with_seed(33)).await;
    let mut cfg = config(&sim);
    cfg.request_timeout = Duration::from_millis(300);
    cfg.max_attempts = 2;
    let c = ZoomClient::new(cfg).unwrap();
    c.get_role("1").await.unwrap(); // token fetched before the latency starts
    sim.update_switches(|s| {
        s.latency_min_ms = 800;
        s.latency_max_ms = 800;
    })
    .unwrap();
    let e = c.get_role("1").await.unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Transient);
    assert!(
        e.to_string().contains("timed out") && e.to_string().contains("after 2 attempts"),
        "{e}"
    );
}

#[tokio::test]
async fn mutations_whose_answers_are_lost_are_not_repeated_harmfully() {
    let sim = start(SimConfig::default().with_users(5).with_seed(34)).await;
    let c = client(&sim);

    // Create: the role is made, the answer lost; the client finds it instead of creating
    // a second one (or failing on the name).
    sim.push_fault(fault("POST /roles", FaultKind::Drop, 1));
    let r = c.create_role(&role("Lost answer")).await.unwrap();
    assert_eq!(r.name, "Lost answer");
    assert_eq!(r.privileges, Some(vec!["User:Read".to_owned()]));
    assert_eq!(
        sim.state()
            .roles
            .iter()
            .filter(|x| x.role.name == "Lost answer")
            .count(),
        1
    );
    assert_eq!(
        sim.stats().count("POST /roles"),
        1,
        "looked up, not re-created"
    );

    // Create after a 5xx (not carried out): looked up, not found, created once.
    sim.push_fault(fault("POST /roles", FaultKind::Error, 1));
    let r2 = c.create_role(&role("After 500")).await.unwrap();
    assert_eq!(
        sim.state()
            .roles
            .iter()
            .filter(|x| x.role.name == "After 500")
            .count(),
        1
    );

    // Assign: repeated after the lost answer, harmless.
    sim.push_fault(fault("POST /roles/{roleId}/members", FaultKind::Drop, 1));
    c.assign_members(&r.id, &ids(1..=3)).await.unwrap();
    assert_eq!(sim.state().members_of(&r.id).unwrap().len(), 3);

    // Unassign: the retry answers "not a member" (code 300), and the client says the
    // first attempt's answer was lost (whether that is success is the provider's rule:
    // `Account::unassign`). The first attempt did remove the member, once.
    sim.push_fault(fault(
        "DELETE /roles/{roleId}/members/{memberId}",
        FaultKind::Drop,
        1,
    ));
    sim.reset_stats();
    let e = c.unassign_member(&r.id, "u00001").await.unwrap_err();
    assert!(e.after_lost_answer(), "{e:?}");
    assert_eq!(e.kind(), &ErrorKind::Validation, "{e:?}");
    assert_eq!(sim.state().role_of("u00001"), Some(MEMBER_ROLE));
    assert_eq!(
        sim.stats()
            .count("DELETE /roles/{roleId}/members/{memberId}"),
        2,
        "the lost attempt and its retry"
    );
    assert_eq!(
        sim.stats().count("GET /users/{userId}"),
        0,
        "no user lookup"
    );
    // Without a lost answer, unassigning a non-member is an error that says nothing was
    // lost.
    let e = c.unassign_member(&r.id, "u00001").await.unwrap_err();
    assert!(!e.after_lost_answer(), "{e:?}");

    // Update: PATCH repeated, same result.
    sim.push_fault(fault("PATCH /roles/{roleId}", FaultKind::Drop, 1));
    c.update_role(
        &r.id,
        &UpdateRole {
            description: Some("again".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        c.get_role(&r.id).await.unwrap().description.as_deref(),
        Some("again")
    );

    // Delete: the retry answers 1034, which after a lost answer means done.
    sim.push_fault(fault("DELETE /roles/{roleId}", FaultKind::Drop, 1));
    c.delete_role(&r2.id).await.unwrap();
    assert!(sim.state().roles.iter().all(|x| x.role.id != r2.id));
    assert!(c.stats().retries >= 4);
}

/// Expected state of one lane: a role and a pool of 30 users only this lane touches.
struct Lane {
    name: String,
    role_id: Option<String>,
    description: String,
    members: BTreeSet<String>,
    pool: Vec<String>,
    deleted: bool,
}

async fn run_lane(c: ZoomClient, lane: usize, ops: usize) -> Lane {
    let mut rng = rand::rngs::StdRng::seed_from_u64(lane as u64);
    let pool: Vec<String> = (lane * 30 + 1..=lane * 30 + 30)
        .map(|i| format!("u{i:05}"))
        .collect();
    let mut l = Lane {
        name: format!("lane-{lane}"),
        role_id: None,
        description: String::new(),
        members: BTreeSet::new(),
        pool,
        deleted: false,
    };
    let created = c.create_role(&role(&l.name)).await.expect("create");
    let id = created.id.clone();
    l.role_id = Some(id.clone());
    let last = ops - 1;
    for n in 1..ops {
        if n == last && lane.is_multiple_of(2) {
            c.delete_role(&id).await.expect("delete");
            l.deleted = true;
            break;
        }
        match rng.random_range(0..7) {
            0 | 1 => {
                let k = rng.random_range(1..=5);
                let picks: Vec<String> = (0..k)
                    .map(|_| l.pool[rng.random_range(0..30)].clone())
                    .collect();
                let refs: Vec<MemberRef> = picks.iter().map(|p| MemberRef::Id(p.clone())).collect();
                c.assign_members(&id, &refs).await.expect("assign");
                l.members.extend(picks);
            }
            2 => match l.members.iter().next().cloned() {
                Some(m) => {
                    match c.unassign_member(&id, &m).await {
                        Ok(()) => {}
                        // The lost attempt removed them (the provider's rule, as
                        // `Account::unassign` applies it).
                        Err(e) if e.after_lost_answer() => {
                            let u = c.get_user(&m).await.expect("get user");
                            assert_ne!(u.role_id.as_deref(), Some(id.as_str()), "{e}");
                        }
                        Err(e) => panic!("unassign: {e}"),
                    }
                    l.members.remove(&m);
                }
                None => {
                    c.get_role(&id).await.expect("get role");
                }
            },
            3 => {
                l.description = format!("d-{n}");
                let u = UpdateRole {
                    description: Some(l.description.clone()),
                    ..Default::default()
                };
                c.update_role(&id, &u).await.expect("update");
            }
            4 => {
                let got: BTreeSet<String> = c
                    .list_members(&id)
                    .await
                    .expect("list members")
                    .into_iter()
                    .map(|m| m.id)
                    .collect();
                assert_eq!(got, l.members, "lane {lane} op {n}");
            }
            5 => {
                let who = &l.pool[rng.random_range(0..30)];
                let u = c.get_user(who).await.expect("get user");
                let want = if l.members.contains(who) {
                    id.as_str()
                } else {
                    MEMBER_ROLE
                };
                assert_eq!(
                    u.role_id.as_deref(),
                    Some(want),
                    "lane {lane} op {n} user {who}"
                );
            }
            _ => {
                let r = c.get_role(&id).await.expect("get role");
                assert_eq!(r.name, l.name);
            }
        }
    }
    l
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_operations_through_5xx_429_and_dropped_connections() {
    let sim = start(
        SimConfig::default()
            .with_users(300)
            .with_seed(35)
            .with_switches(|s| {
                s.error_rate = 0.10;
                s.rate_limit_rate = 0.05;
                s.drop_rate = 0.05;
                s.rate_limits.light = Some(80);
                s.rate_limits.medium = Some(60);
                s.token_lifetime_ms = 4000;
            }),
    )
    .await;
    let mut cfg = config(&sim);
    cfg.rate_limits = RateLimits::business();
    cfg.max_attempts = 12;
    cfg.retry_budget = Duration::from_secs(60);
    cfg.backoff_initial = Duration::from_millis(20);
    cfg.backoff_max = Duration::from_millis(500);
    let c = ZoomClient::new(cfg).unwrap();

    let started = Instant::now();
    let lanes: Vec<_> = (0..10)
        .map(|i| tokio::spawn(run_lane(c.clone(), i, 50)))
        .collect();
    let mut done = Vec::new();
    for l in lanes {
        done.push(l.await.expect("lane finished without a surfaced error"));
    }
    let elapsed = started.elapsed();

    let state = sim.state();
    for l in &done {
        let named: Vec<_> = state
            .roles
            .iter()
            .filter(|r| r.role.name == l.name)
            .collect();
        if l.deleted {
            assert!(named.is_empty(), "{} deleted", l.name);
        } else {
            assert_eq!(named.len(), 1, "{} exists exactly once", l.name);
            let r = named[0];
            assert_eq!(Some(&r.role.id), l.role_id.as_ref());
            assert_eq!(r.role.description, l.description, "{}", l.name);
            let members: BTreeSet<String> = r.members.iter().cloned().collect();
            assert_eq!(members, l.members, "{} members", l.name);
        }
        for u in &l.pool {
            let want = match (&l.role_id, l.deleted, l.members.contains(u)) {
                (Some(id), false, true) => id.as_str(),
                _ => MEMBER_ROLE,
            };
            assert_eq!(state.role_of(u), Some(want), "{u}");
        }
    }
    let s = c.stats();
    let sim_stats = sim.stats();
    let by_status: BTreeMap<String, u64> = sim_stats.by_status.clone();
    eprintln!(
        "500 ops in {elapsed:?}; client {s:?}; sim by status {by_status:?}; dropped {:?}",
        sim_stats.dropped
    );
    assert!(s.retries > 20, "faults were injected and retried: {s:?}");
    assert!(s.rate_limited > 0 && s.token_fetches >= 2, "{s:?}");
    assert!(s.requests[&Operation::CreateRole] >= 10);
}

#[tokio::test]
async fn a_scripted_fault_with_a_count_of_zero_never_fires() {
    let sim = start(SimConfig::default()).await;
    sim.push_fault(fault("GET /roles", FaultKind::RateLimit, 0));
    let c = client(&sim);
    c.list_roles(None).await.unwrap();
    assert_eq!(c.stats().rate_limited, 0);
}
