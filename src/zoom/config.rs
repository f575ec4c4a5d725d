//! Client configuration: where Zoom is, how to authenticate, how long to wait and retry,
//! and how fast to go. Plain Rust types with sane defaults; the plugin layer maps
//! provider-block attributes onto [`ClientConfig`]. Owns [`Secret`], the only way a
//! credential is held, so that no `Debug` or `Display` ever prints one.

use std::fmt;
use std::time::Duration;

use url::Url;

/// Zoom's public REST API base URL.
pub const DEFAULT_API_URL: &str = "https://api.zoom.us/v2";
/// Zoom's OAuth token endpoint for server-to-server apps.
pub const DEFAULT_TOKEN_URL: &str = "https://zoom.us/oauth/token";
/// The REST API of Zoom for Government (ZoomGov) accounts.
pub const GOV_API_URL: &str = "https://api.zoomgov.com/v2";
/// The OAuth token endpoint of Zoom for Government accounts.
pub const GOV_TOKEN_URL: &str = "https://zoomgov.com/oauth/token";

/// A credential (client secret or access token). `Debug` and `Display` print `***`;
/// the value is reachable only through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself. Call only where it is sent over the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the credential is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// How the client authenticates to Zoom.
#[derive(Clone)]
pub enum Auth {
    /// Server-to-server OAuth: the client fetches access tokens itself
    /// (`grant_type=account_credentials`), keeps one per client and renews it before it
    /// expires and whenever Zoom answers code 124 (a bounded number of times per request).
    ClientCredentials {
        /// The Zoom account id of the Server-to-Server OAuth app.
        account_id: String,
        /// The app's client id.
        client_id: String,
        /// The app's client secret.
        client_secret: Secret,
        /// Token endpoint; [`DEFAULT_TOKEN_URL`] in production.
        token_url: Url,
    },
    /// A ready-made access token. It cannot be renewed: when Zoom rejects it (code 124)
    /// calls fail at once, advising a fresh token or client credentials.
    AccessToken(Secret),
}

impl Auth {
    /// Client credentials against Zoom's production token endpoint.
    pub fn client_credentials(
        account_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Auth::ClientCredentials {
            account_id: account_id.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            token_url: Url::parse(DEFAULT_TOKEN_URL).expect("constant URL parses"),
        }
    }

    /// A static access token.
    pub fn access_token(token: impl Into<Secret>) -> Self {
        Auth::AccessToken(token.into())
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::ClientCredentials {
                account_id,
                client_id,
                client_secret: _,
                token_url,
            } => f
                .debug_struct("ClientCredentials")
                .field("account_id", account_id)
                .field("client_id", client_id)
                .field("client_secret", &"***")
                .field("token_url", &token_url.as_str())
                .finish(),
            Auth::AccessToken(_) => f.debug_tuple("AccessToken").field(&"***").finish(),
        }
    }
}

/// Requests per second the client allows itself in each Zoom rate-limit category.
/// Zoom counts per account (shared by every app on it), per category, per second.
/// A value of 0 turns client-side limiting off for that category.
///
/// No window of `1 s + window_margin` ever holds more than `rate` requests (a quiet client
/// may send that many at once), so no one-second window at Zoom does either, even when the
/// network delays one request by up to `window_margin` more than a later one: at Zoom's
/// own limits the client waits instead of bouncing off 429s. If other apps share the
/// account, set lower values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// Light category (get/update/delete role, unassign member, get user, create role).
    pub light_per_second: u32,
    /// Medium category (list roles, list members, assign members).
    pub medium_per_second: u32,
    /// Heavy category (no role operation uses it today).
    pub heavy_per_second: u32,
    /// Allowance for jitter in network delay: the counting window is stretched by this
    /// much (25 ms in the presets, a 2.5% lower sustained throughput than the nominal rate).
    pub window_margin: Duration,
}

/// Jitter allowance of the presets.
pub const DEFAULT_WINDOW_MARGIN: Duration = Duration::from_millis(25);

/// A Zoom plan, for the per-second limits Zoom applies to it (Zoom's published table:
/// Light, Medium, Heavy requests per second).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RatePlan {
    /// Free (Basic): Light 4/s, Medium 2/s, Heavy 1/s.
    Free,
    /// Pro: Light 30/s, Medium 20/s, Heavy 10/s (the default).
    Pro,
    /// Business and higher (Enterprise): Light 80/s, Medium 60/s, Heavy 40/s.
    Business,
}

impl RatePlan {
    /// The plan a Zoom plan name stands for, case-insensitively: `free` (or `basic`),
    /// `pro`, `business` (or `business+`, `enterprise`).
    pub fn from_name(name: &str) -> Option<RatePlan> {
        match name.to_ascii_lowercase().as_str() {
            "free" | "basic" => Some(RatePlan::Free),
            "pro" => Some(RatePlan::Pro),
            "business" | "business+" | "enterprise" => Some(RatePlan::Business),
            _ => None,
        }
    }

    /// The plan's limits in every category, with the presets' jitter allowance. The one
    /// table of Zoom's per-second figures: (Light, Medium, Heavy).
    pub const fn limits(self) -> RateLimits {
        let (light, medium, heavy) = match self {
            RatePlan::Free => (4, 2, 1),
            RatePlan::Pro => (30, 20, 10),
            RatePlan::Business => (80, 60, 40),
        };
        RateLimits {
            light_per_second: light,
            medium_per_second: medium,
            heavy_per_second: heavy,
            window_margin: DEFAULT_WINDOW_MARGIN,
        }
    }
}

impl RateLimits {
    /// Zoom's Free plan: Light 4/s, Medium 2/s, Heavy 1/s.
    pub const fn free() -> Self {
        RatePlan::Free.limits()
    }

    /// Zoom's Pro plan: Light 30/s, Medium 20/s, Heavy 10/s (the default).
    pub const fn pro() -> Self {
        RatePlan::Pro.limits()
    }

    /// Zoom's Business plan and higher: Light 80/s, Medium 60/s, Heavy 40/s.
    pub const fn business() -> Self {
        RatePlan::Business.limits()
    }

    /// No client-side limiting at all (tests, or when something else limits).
    pub const fn unlimited() -> Self {
        RateLimits {
            light_per_second: 0,
            medium_per_second: 0,
            heavy_per_second: 0,
            window_margin: DEFAULT_WINDOW_MARGIN,
        }
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits::pro()
    }
}

/// Everything the client needs. Build with [`ClientConfig::new`] and override fields.
#[derive(Clone)]
pub struct ClientConfig {
    /// Base URL of the REST API, [`DEFAULT_API_URL`] by default. Paths such as `roles`
    /// are appended to it.
    pub api_url: Url,
    /// Credentials.
    pub auth: Auth,
    /// Timeout of one HTTP attempt (connect, send, whole answer). Default 30 s.
    pub request_timeout: Duration,
    /// Total time one request may spend retrying (from its first attempt to the start of
    /// its last). Each page of a listing and each chunk of an assignment has its own
    /// budget. A call can overrun it by at most one `request_timeout`. Default 120 s.
    pub retry_budget: Duration,
    /// Most attempts for one request, the first included. Default 8.
    pub max_attempts: u32,
    /// First backoff ceiling; attempt n waits a random time in
    /// `[0, min(backoff_max, backoff_initial * 2^(n-1))]` ("full jitter"). Default 300 ms.
    pub backoff_initial: Duration,
    /// Largest backoff ceiling. Default 10 s.
    pub backoff_max: Duration,
    /// Client-side rate limits; Zoom's Pro plan by default.
    pub rate_limits: RateLimits,
    /// `User-Agent` header. Default `terraform-provider-zoom/<version>`.
    pub user_agent: String,
}

impl ClientConfig {
    /// Defaults for everything but the credentials.
    pub fn new(auth: Auth) -> Self {
        ClientConfig {
            api_url: Url::parse(DEFAULT_API_URL).expect("constant URL parses"),
            auth,
            request_timeout: Duration::from_secs(30),
            retry_budget: Duration::from_secs(120),
            max_attempts: 8,
            backoff_initial: Duration::from_millis(300),
            backoff_max: Duration::from_secs(10),
            rate_limits: RateLimits::default(),
            user_agent: concat!("terraform-provider-zoom/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("api_url", &self.api_url.as_str())
            .field("auth", &self.auth)
            .field("request_timeout", &self.request_timeout)
            .field("retry_budget", &self.retry_budget)
            .field("max_attempts", &self.max_attempts)
            .field("backoff_initial", &self.backoff_initial)
            .field("backoff_max", &self.backoff_max)
            .field("rate_limits", &self.rate_limits)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_redacted_in_debug_and_display() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn config_debug_hides_secrets() {
        let cfg = ClientConfig::new(Auth::client_credentials("acct", "cid", "topsecret"));
        let text = format!("{cfg:?} {:#?}", cfg);
        assert!(!text.contains("topsecret"), "{text}");
        assert!(text.contains("acct") && text.contains("cid"));
        let cfg = ClientConfig::new(Auth::access_token("tok-abc-123"));
        let text = format!("{cfg:?} {:#?}", cfg.auth);
        assert!(!text.contains("tok-abc-123"), "{text}");
        assert!(text.contains("***"));
    }

    #[test]
    fn defaults_are_pro_and_documented_values() {
        let cfg = ClientConfig::new(Auth::access_token("t"));
        assert_eq!(cfg.api_url.as_str(), DEFAULT_API_URL);
        assert_eq!(cfg.request_timeout, Duration::from_secs(30));
        assert_eq!(cfg.retry_budget, Duration::from_secs(120));
        assert_eq!(cfg.rate_limits, RateLimits::pro());
        assert_eq!(RateLimits::pro().light_per_second, 30);
        assert_eq!(RateLimits::pro().medium_per_second, 20);
    }

    #[test]
    fn each_plan_has_zoom_s_limits_in_every_category() {
        let per_second = |l: RateLimits| {
            (
                l.light_per_second,
                l.medium_per_second,
                l.heavy_per_second,
                l.window_margin,
            )
        };
        let m = DEFAULT_WINDOW_MARGIN;
        assert_eq!(per_second(RatePlan::Free.limits()), (4, 2, 1, m));
        assert_eq!(per_second(RatePlan::Pro.limits()), (30, 20, 10, m));
        assert_eq!(per_second(RatePlan::Business.limits()), (80, 60, 40, m));
        assert_eq!(RateLimits::free(), RatePlan::Free.limits());
        assert_eq!(RateLimits::pro(), RatePlan::Pro.limits());
        assert_eq!(RateLimits::business(), RatePlan::Business.limits());
        for (name, plan) in [
            ("free", RatePlan::Free),
            ("Basic", RatePlan::Free),
            ("pro", RatePlan::Pro),
            ("business", RatePlan::Business),
            ("Business+", RatePlan::Business),
            ("enterprise", RatePlan::Business),
        ] {
            assert_eq!(RatePlan::from_name(name), Some(plan), "{name}");
        }
        assert_eq!(RatePlan::from_name("gold"), None);
    }
}
