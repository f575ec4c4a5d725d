//! The simulator's whole mutable state in one struct ([`Sim`]) behind one mutex
//! ([`App`]): the account directory, switches, issued tokens, rate-limit windows,
//! scripted faults, the RNG, stats and the request log.
//!
//! The lock is never held across an `.await`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rand::distr::Alphanumeric;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::config::{SimConfig, Switches};
use super::error::{ApiError, ApiResult};
use super::model::Directory;
use super::stats::{RequestLog, Stats};

/// OAuth client credentials the token endpoint accepts.
pub(crate) struct Credentials {
    pub account_id: String,
    pub client_id: String,
    pub client_secret: String,
}

struct IssuedToken {
    expires: Instant,
    /// Scopes fixed at issue time; `None` = all.
    scopes: Option<Vec<String>>,
}

/// A token the endpoint just issued.
pub(crate) struct NewToken {
    pub token: String,
    pub lifetime: Duration,
    pub scopes: Option<Vec<String>>,
}

/// A fault to inject into the next `count` requests to `route`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ScriptedFault {
    /// A route key such as `POST /roles/{roleId}/members`, or `*` for any `/v2` route.
    pub route: String,
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// What a scripted fault does.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Apply the request, then close the connection without answering.
    Drop,
    /// Answer HTTP 500 without applying the request.
    Error,
    /// Answer a per-second 429.
    RateLimit,
    /// Answer a Daily-limit 429.
    DailyLimit,
    /// Answer 401 code 124, as if the token had expired.
    InvalidToken,
}

/// Rate-limit categories of the routes the simulator serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Category {
    Light,
    Medium,
}

impl Category {
    pub fn header_value(self) -> &'static str {
        match self {
            Category::Light => "Light",
            Category::Medium => "Medium",
        }
    }
}

#[derive(Default)]
struct Window {
    start: Option<Instant>,
    count: u32,
}

#[derive(Default)]
struct RateWindows {
    light: Window,
    medium: Window,
    day: Option<(time::Date, u64)>,
}

/// Everything mutable.
pub(crate) struct Sim {
    /// The account the app belongs to (a master account when it has sub-accounts).
    pub dir: Directory,
    /// Its sub-accounts, by account id.
    pub subs: std::collections::BTreeMap<String, Directory>,
    pub switches: Switches,
    pub creds: Credentials,
    pub stats: Stats,
    pub log: RequestLog,
    pub scripted: Vec<ScriptedFault>,
    pub holds: super::hold::Holds,
    pub started: Instant,
    /// `http://127.0.0.1:PORT`, known once bound (reported as the token's `api_url`).
    pub base_url: String,
    static_tokens: HashSet<String>,
    tokens: HashMap<String, IssuedToken>,
    /// Every token issued since start, oldest first (kept after expiry; for tests).
    issued: Vec<String>,
    rng: StdRng,
    rate: RateWindows,
    tracking_seq: u64,
}

impl Sim {
    pub fn new(config: SimConfig) -> anyhow::Result<Self> {
        config
            .switches
            .validate()
            .map_err(|e| anyhow::anyhow!("invalid switches: {e}"))?;
        let dir = Directory::new(config.users)
            .map_err(|e| anyhow::anyhow!("invalid users: {}", e.message))?;
        let mut subs = std::collections::BTreeMap::new();
        for (id, users) in config.sub_accounts {
            let sub = Directory::new(users)
                .map_err(|e| anyhow::anyhow!("invalid users of {id}: {}", e.message))?;
            if id == config.account_id || id == "me" || subs.insert(id.clone(), sub).is_some() {
                anyhow::bail!("sub-account id {id:?} is used twice");
            }
        }
        let rng = match config.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        Ok(Sim {
            dir,
            subs,
            switches: config.switches,
            creds: Credentials {
                account_id: config.account_id,
                client_id: config.client_id,
                client_secret: config.client_secret,
            },
            stats: Stats::default(),
            log: RequestLog::new(config.log_capacity),
            scripted: Vec::new(),
            holds: Default::default(),
            started: Instant::now(),
            base_url: String::new(),
            static_tokens: config.static_tokens.into_iter().collect(),
            tokens: HashMap::new(),
            issued: Vec::new(),
            rng,
            rate: RateWindows::default(),
            tracking_seq: 0,
        })
    }

    /// The directory a request is about: the app's own account for the account routes
    /// (`account` = `None`), and for the Master Account routes (`/accounts/{accountId}/...`)
    /// `me` or the account's own id (the master account itself) or one of its sub-accounts.
    /// Any other id is Zoom's 2001.
    pub fn dir_for(&mut self, account: Option<&str>) -> ApiResult<&mut Directory> {
        match account {
            None | Some("me") => Ok(&mut self.dir),
            Some(id) if id == self.creds.account_id => Ok(&mut self.dir),
            Some(id) => {
                let status = self.switches.foreign_account_status;
                self.subs
                    .get_mut(id)
                    .ok_or_else(|| ApiError::not_a_sub_account(id, status))
            }
        }
    }

    /// A random alphanumeric string (role ids, tokens, page tokens).
    pub fn random_string(&mut self, len: usize) -> String {
        (&mut self.rng)
            .sample_iter(Alphanumeric)
            .take(len)
            .map(char::from)
            .collect()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.rng.random_bool(p.min(1.0))
    }

    /// Uniform pick in `lo..=hi`.
    pub fn pick(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            self.rng.random_range(lo..=hi)
        }
    }

    /// A fresh 22-character id for a custom role, like Zoom's.
    pub fn new_role_id(&mut self) -> String {
        self.random_string(22)
    }

    /// An `x-zm-trackingid` value.
    pub fn next_tracking_id(&mut self) -> String {
        self.tracking_seq += 1;
        format!("v=2.0;clid=sim;rid=SIM_{:012x}", self.tracking_seq)
    }

    /// Issue a bearer token with the current lifetime and scopes.
    pub fn issue_token(&mut self, now: Instant) -> NewToken {
        if self.switches.single_token {
            self.tokens.clear();
        }
        let token = self.random_string(40);
        let lifetime = Duration::from_millis(self.switches.token_lifetime_ms);
        let mut scopes = self.switches.scopes.clone();
        if !self
            .dir
            .app_user_can_manage_roles(self.switches.app_user.as_deref())
        {
            // Zoom removes an app's admin-level scopes when its owner loses the role that
            // granted them: every roles and users endpoint then answers 4700/4711.
            scopes = Some(
                scopes
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|s| !s.ends_with(":admin"))
                    .collect(),
            );
        }
        self.tokens.retain(|_, t| t.expires > now);
        self.issued.push(token.clone());
        self.tokens.insert(
            token.clone(),
            IssuedToken {
                expires: now + lifetime,
                scopes: scopes.clone(),
            },
        );
        NewToken {
            token,
            lifetime,
            scopes,
        }
    }

    /// Validate a bearer token; answers its scopes (`None` = all) or code 124.
    pub fn check_token(
        &mut self,
        token: Option<&str>,
        now: Instant,
    ) -> ApiResult<Option<Vec<String>>> {
        let token = token.ok_or_else(ApiError::invalid_token)?;
        if self.static_tokens.contains(token) {
            return Ok(self.switches.scopes.clone());
        }
        match self.tokens.get(token) {
            Some(t) if t.expires > now => Ok(t.scopes.clone()),
            Some(_) => {
                self.tokens.remove(token);
                Err(ApiError::invalid_token())
            }
            None => Err(ApiError::invalid_token()),
        }
    }

    /// Every token issued since start, oldest first, expired and revoked ones included.
    pub fn issued_tokens(&self) -> &[String] {
        &self.issued
    }

    /// Invalidate every token issued so far (static tokens stay valid).
    pub fn expire_tokens(&mut self) {
        self.tokens.clear();
    }

    /// Count a request against the per-second limit of `category`; answers the time to
    /// wait when over the limit.
    pub fn hit_qps(&mut self, category: Category, now: Instant) -> Option<(u32, Duration)> {
        let (limit, window) = match category {
            Category::Light => (self.switches.rate_limits.light, &mut self.rate.light),
            Category::Medium => (self.switches.rate_limits.medium, &mut self.rate.medium),
        };
        let limit = limit?;
        let second = Duration::from_secs(1);
        let start = match window.start {
            Some(start) if now.saturating_duration_since(start) < second => start,
            _ => {
                window.start = Some(now);
                window.count = 0;
                now
            }
        };
        window.count = window.count.saturating_add(1);
        (window.count > limit).then(|| {
            (
                limit,
                second.saturating_sub(now.saturating_duration_since(start)),
            )
        })
    }

    /// Count a request against the daily cap; true when over it.
    pub fn hit_daily(&mut self, today: time::Date) -> bool {
        let Some(limit) = self.switches.daily_limit else {
            return false;
        };
        let count = match &mut self.rate.day {
            Some((day, count)) if *day == today => count,
            slot => &mut slot.insert((today, 0)).1,
        };
        *count = count.saturating_add(1);
        *count > limit
    }

    /// Queue scripted faults; one with a count of 0 would never fire, so it is dropped.
    pub fn push_faults(&mut self, faults: impl IntoIterator<Item = ScriptedFault>) {
        self.scripted
            .extend(faults.into_iter().filter(|f| f.count > 0));
    }

    /// Take one use of the first scripted fault for `route` whose kind `want` accepts.
    pub fn take_scripted(
        &mut self,
        route: &str,
        is_api: bool,
        want: impl Fn(FaultKind) -> bool,
    ) -> Option<FaultKind> {
        let idx = self
            .scripted
            .iter()
            .position(|f| (f.route == route || (is_api && f.route == "*")) && want(f.kind))?;
        let fault = &mut self.scripted[idx];
        let kind = fault.kind;
        fault.count = fault.count.saturating_sub(1);
        if fault.count == 0 {
            self.scripted.remove(idx);
        }
        Some(kind)
    }

    /// Random faults apply to this route?
    pub fn faults_apply(&self, route: &str, is_api: bool) -> bool {
        if self.switches.fault_routes.is_empty() {
            is_api
        } else {
            self.switches.fault_routes.iter().any(|r| r == route)
        }
    }
}

/// Shared handle on the state, cloned into every handler.
#[derive(Clone)]
pub(crate) struct App {
    sim: Arc<Mutex<Sim>>,
}

impl App {
    pub fn new(sim: Sim) -> Self {
        App {
            sim: Arc::new(Mutex::new(sim)),
        }
    }

    /// Lock the state. A panic while holding the lock cannot leave it half-updated in a
    /// way that matters to a test double, so poisoning is ignored.
    pub fn lock(&self) -> MutexGuard<'_, Sim> {
        self.sim.lock().unwrap_or_else(|e| e.into_inner())
    }
}
