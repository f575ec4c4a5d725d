//! Simulator settings: [`SimConfig`] is fixed at start (address, credentials, users, seed);
//! [`Switches`] hold behaviour and faults and can be changed at runtime through
//! `POST /_sim/config` or [`super::SimHandle::update_switches`].

use std::net::SocketAddr;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::model::{DeleteRolePolicy, UserSeed};

/// Zoom rate-limit plan presets (requests per second per category).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Pro,
    Business,
    /// No per-second limits.
    Off,
}

impl Plan {
    /// The per-second limits Zoom documents for this plan.
    pub fn limits(self) -> RateLimits {
        let (light, medium) = match self {
            Plan::Free => (4, 2),
            Plan::Pro => (30, 20),
            Plan::Business => (80, 60),
            Plan::Off => return RateLimits::default(),
        };
        RateLimits {
            light: Some(light),
            medium: Some(medium),
        }
    }
}

impl FromStr for Plan {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "free" => Ok(Plan::Free),
            "pro" => Ok(Plan::Pro),
            "business" => Ok(Plan::Business),
            "off" | "none" => Ok(Plan::Off),
            other => Err(format!("unknown plan {other:?} (free, pro, business, off)")),
        }
    }
}

/// Requests per second allowed per rate-limit category; `None` is unlimited.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    pub light: Option<u32>,
    pub medium: Option<u32>,
}

/// How 429 answers carry `Retry-After`.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RetryAfterForm {
    /// Delay in whole seconds, e.g. `Retry-After: 1`.
    #[default]
    Seconds,
    /// An HTTP date, e.g. `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`.
    HttpDate,
    /// No `Retry-After` header at all.
    Omit,
}

impl FromStr for RetryAfterForm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "seconds" => Ok(Self::Seconds),
            "http-date" | "http_date" | "date" => Ok(Self::HttpDate),
            "omit" | "none" => Ok(Self::Omit),
            other => Err(format!(
                "unknown Retry-After form {other:?} (seconds, http-date, omit)"
            )),
        }
    }
}

/// Which scope-error code to answer: 4700 (classic apps) or 4711 (granular scopes).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ScopeStyle {
    /// Granular if any granted scope has four or more `:`-separated parts, else classic.
    #[default]
    Auto,
    Classic,
    Granular,
}

impl FromStr for ScopeStyle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "classic" => Ok(Self::Classic),
            "granular" => Ok(Self::Granular),
            other => Err(format!(
                "unknown scope style {other:?} (auto, classic, granular)"
            )),
        }
    }
}

impl FromStr for DeleteRolePolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "move-to-member" | "move_to_member" => Ok(Self::MoveToMember),
            "reject" => Ok(Self::Reject),
            other => Err(format!("unknown policy {other:?} (move-to-member, reject)")),
        }
    }
}

/// How "role not found" is answered: Zoom's reference documents several forms.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NotFoundForm {
    /// Code 1034 "Role does not exist.", HTTP 400 on the role routes and HTTP 404 on the
    /// members routes.
    #[default]
    Code1034,
    /// HTTP 400 `{"code":300,"message":"Role not found."}` (documented for GET and DELETE).
    Code300,
    /// HTTP 200 `{"code":200,"message":"Role not found."}` (documented for DELETE).
    Code200,
    /// HTTP 404 `{"message":"Role not found"}` without a code ("Role or Member not found"
    /// when unassigning), as documented for the members routes.
    Http404,
}

impl FromStr for NotFoundForm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "1034" | "code1034" | "code_1034" => Ok(Self::Code1034),
            "300" | "code300" | "code_300" => Ok(Self::Code300),
            "200" | "code200" | "code_200" => Ok(Self::Code200),
            "404" | "http404" | "http_404" => Ok(Self::Http404),
            other => Err(format!(
                "unknown not-found form {other:?} (1034, 300, 200, 404)"
            )),
        }
    }
}

/// The body of an unpaid account's HTTP 200 refusals.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RefusalBody {
    /// `{"code":200,"message":...}` with the message Zoom documents for the route.
    #[default]
    Coded,
    /// `{}`, as clients have met it.
    Empty,
}

impl FromStr for RefusalBody {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "coded" => Ok(Self::Coded),
            "empty" => Ok(Self::Empty),
            other => Err(format!("unknown refusal body {other:?} (coded, empty)")),
        }
    }
}

/// Longest accepted token lifetime (one year), so expiry times cannot overflow.
pub const MAX_TOKEN_LIFETIME_MS: u64 = 365 * 24 * 3_600_000;

/// Behaviour and fault switches; all can change at runtime.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Switches {
    /// Added latency, uniform in `[latency_min_ms, latency_max_ms]`.
    pub latency_min_ms: u64,
    pub latency_max_ms: u64,
    /// Per-second limits per category (default: none).
    pub rate_limits: RateLimits,
    /// Form of `Retry-After` on 429 answers.
    pub retry_after: RetryAfterForm,
    /// API requests allowed per UTC day before Daily-limit 429s; `Some(0)` = exhausted.
    pub daily_limit: Option<u64>,
    /// Fraction of requests answered with an injected 5xx (before any change is made).
    pub error_rate: f64,
    /// Fraction of requests answered with an injected per-second 429.
    pub rate_limit_rate: f64,
    /// Fraction of requests whose connection is closed without an answer, after the
    /// request took effect.
    pub drop_rate: f64,
    /// Route keys (e.g. `POST /roles/{roleId}/members`) the random faults apply to;
    /// empty = every `/v2` route. The token endpoint is faulted only when listed.
    pub fault_routes: Vec<String>,
    /// Lifetime of tokens issued from now on, in milliseconds.
    pub token_lifetime_ms: u64,
    /// Scopes of tokens issued from now on (and of static tokens); `None` = all granted.
    pub scopes: Option<Vec<String>>,
    pub scope_style: ScopeStyle,
    /// Mutations answer HTTP 200 `{"code":200,...}` (or `{}`, see `refusal_body`) and
    /// change nothing.
    pub unpaid: bool,
    /// Body of the unpaid refusals.
    pub refusal_body: RefusalBody,
    /// How a missing role is answered.
    pub not_found_form: NotFoundForm,
    /// The HTTP status of code 2001 (an account id that is not a sub-account): Zoom's
    /// reference gives the code without the status, so 400 (default) or 404.
    pub foreign_account_status: u16,
    /// Member listings show membership as it was this many milliseconds ago.
    pub member_list_lag_ms: u64,
    /// `POST /roles` answers 201 with an empty body.
    pub create_empty_body: bool,
    /// What deleting a role that still has members does.
    pub delete_role_with_members: DeleteRolePolicy,
    /// Issuing a token revokes every earlier issued token.
    pub single_token: bool,
    /// The `api_url` reported in token answers; `None` = this simulator's own base URL
    /// (Zoom reports a host without `/v2`, e.g. `https://api.zoom.us`).
    pub token_api_url: Option<String>,
    /// The user the OAuth app acts as, by id or email: who `GET /users/me` answers with.
    /// Zoom's Server-to-Server tokens act for the app's owner (its creator); `None` = the
    /// account Owner.
    pub app_user: Option<String>,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            latency_min_ms: 0,
            latency_max_ms: 0,
            rate_limits: RateLimits::default(),
            retry_after: RetryAfterForm::Seconds,
            daily_limit: None,
            error_rate: 0.0,
            rate_limit_rate: 0.0,
            drop_rate: 0.0,
            fault_routes: Vec::new(),
            token_lifetime_ms: 3_600_000,
            scopes: None,
            scope_style: ScopeStyle::Auto,
            unpaid: false,
            refusal_body: RefusalBody::Coded,
            not_found_form: NotFoundForm::Code1034,
            foreign_account_status: 400,
            member_list_lag_ms: 0,
            create_empty_body: false,
            delete_role_with_members: DeleteRolePolicy::MoveToMember,
            single_token: false,
            token_api_url: None,
            app_user: None,
        }
    }
}

impl Switches {
    /// Reject settings that make no sense (rates outside 0..=1, min latency > max).
    pub fn validate(&self) -> Result<(), String> {
        for (name, rate) in [
            ("error_rate", self.error_rate),
            ("rate_limit_rate", self.rate_limit_rate),
            ("drop_rate", self.drop_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1, not {rate}"));
            }
        }
        if self.token_lifetime_ms > MAX_TOKEN_LIFETIME_MS {
            return Err(format!(
                "token_lifetime_ms must be at most {MAX_TOKEN_LIFETIME_MS} (one year)"
            ));
        }
        if !matches!(self.foreign_account_status, 400 | 404) {
            return Err(format!(
                "foreign_account_status must be 400 or 404, not {}",
                self.foreign_account_status
            ));
        }
        if self.latency_min_ms > self.latency_max_ms {
            return Err(format!(
                "latency_min_ms ({}) is above latency_max_ms ({})",
                self.latency_min_ms, self.latency_max_ms
            ));
        }
        Ok(())
    }

    /// Set latency from `"30"` or `"20-50"` (milliseconds).
    pub fn set_latency(&mut self, spec: &str) -> Result<(), String> {
        let parse = |s: &str| {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("bad latency {spec:?}: use MS or MIN-MAX"))
        };
        let (min, max) = match spec.split_once('-') {
            Some((a, b)) => (parse(a)?, parse(b)?),
            None => {
                let v = parse(spec)?;
                (v, v)
            }
        };
        if min > max {
            return Err(format!("bad latency {spec:?}: min above max"));
        }
        self.latency_min_ms = min;
        self.latency_max_ms = max;
        Ok(())
    }

    /// Set the token lifetime from seconds (fractions allowed).
    pub fn set_token_lifetime_secs(&mut self, secs: f64) -> Result<(), String> {
        if !secs.is_finite() || secs < 0.0 || secs * 1000.0 > MAX_TOKEN_LIFETIME_MS as f64 {
            return Err(format!("bad token lifetime {secs}"));
        }
        self.token_lifetime_ms = (secs * 1000.0).round() as u64;
        Ok(())
    }
}

/// Everything the simulator needs to start.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Where to listen; must be a loopback address. Port 0 picks a free port.
    pub listen: SocketAddr,
    pub account_id: String,
    pub client_id: String,
    pub client_secret: String,
    /// Tokens accepted without going through `/oauth/token` (they never expire).
    pub static_tokens: Vec<String>,
    /// Users besides the system roles; see [`UserSeed::generated`].
    pub users: Vec<UserSeed>,
    /// Sub-accounts of this (master) account, answered through the Master Account API
    /// (`/v2/accounts/{accountId}/...`); see [`UserSeed::for_sub_account`].
    pub sub_accounts: Vec<(String, Vec<UserSeed>)>,
    /// RNG seed for ids, tokens, latency and faults; `None` = from entropy.
    pub seed: Option<u64>,
    /// Oldest request-log entries are dropped beyond this many.
    pub log_capacity: usize,
    pub switches: Switches,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            account_id: "sim-account".into(),
            client_id: "sim-client".into(),
            client_secret: "sim-secret".into(),
            static_tokens: Vec::new(),
            users: UserSeed::generated(10),
            sub_accounts: Vec::new(),
            seed: None,
            log_capacity: 100_000,
            switches: Switches::default(),
        }
    }
}

impl SimConfig {
    /// Replace the users with `owner@example.com` plus `user1..userN@example.com`.
    pub fn with_users(mut self, n: usize) -> Self {
        self.users = UserSeed::generated(n);
        self
    }

    /// Add `n` sub-accounts `sub1`..`subN`, each with an owner and `users` users of its own
    /// (`user1@sub1.example.com` = `s1u00001`, ...).
    pub fn with_sub_accounts(mut self, n: usize, users: usize) -> Self {
        self.sub_accounts = (1..=n)
            .map(|i| (format!("sub{i}"), UserSeed::for_sub_account(i, users)))
            .collect();
        self
    }

    /// Fix the RNG seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Accept `token` as a bearer token without the OAuth exchange.
    pub fn with_static_token(mut self, token: impl Into<String>) -> Self {
        self.static_tokens.push(token.into());
        self
    }

    /// The user the app acts as (`GET /users/me`), by id or email.
    pub fn with_app_user(mut self, who: impl Into<String>) -> Self {
        self.switches.app_user = Some(who.into());
        self
    }

    /// Adjust the switches in place.
    pub fn with_switches(mut self, f: impl FnOnce(&mut Switches)) -> Self {
        f(&mut self.switches);
        self
    }
}
