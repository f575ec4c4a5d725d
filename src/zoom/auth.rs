//! Access tokens: one per client, shared by every clone and task. With client credentials
//! the token is fetched from Zoom's token endpoint (server-to-server OAuth), renewed about
//! 60 s before it expires (at half-life when its lifetime is short), and renewed whenever
//! the API answers code 124 (the request loop bounds how often per request). Concurrent callers wait on one fetch: the cache sits behind an
//! async mutex held for the duration of the fetch, and a fetch that fails answers everyone
//! who was waiting on it (the same credentials would fail the same way), so a thousand
//! requests with a bad secret cost one token request, not a thousand. A static token is
//! handed out as is.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;
use tracing::debug;
use url::Url;

use super::config::{Auth, Secret};
use super::error::{self, AnswerMeta, AuthMode, Endpoint, Error, ErrorKind};
use super::retry::{parse_retry_after, Backoff};
use super::stats::Counters;

/// Operation text of token fetch errors.
pub(crate) const FETCH_TOKEN: &str = "fetch an OAuth access token";

/// Lifetime assumed when the token endpoint omits `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
/// Renew this long before expiry (or at half-life when the lifetime is shorter than twice
/// this).
const RENEW_MARGIN: Duration = Duration::from_secs(60);
/// The longest lifetime believed from a token answer.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A token handed to a request, with the generation that lets a 124 invalidate exactly it.
#[derive(Clone)]
pub(crate) struct Token {
    pub value: Secret,
    pub generation: u64,
}

struct Cached {
    value: Secret,
    renew_at: Instant,
    generation: u64,
}

struct Credentials {
    account_id: String,
    client_id: String,
    client_secret: Secret,
    token_url: Url,
}

enum Source {
    Static(Secret),
    Credentials(Credentials),
}

/// What a token fetch needs from the client.
pub(crate) struct FetchContext<'a> {
    pub http: &'a reqwest::Client,
    pub counters: &'a Counters,
    pub request_timeout: Duration,
    pub retry_budget: Duration,
    pub max_attempts: u32,
    pub backoff: Backoff,
}

/// The token, and the last fetch's failure with when it ended (for the callers that were
/// queued behind that fetch).
#[derive(Default)]
struct Slot {
    token: Option<Cached>,
    failure: Option<(Instant, Error)>,
}

pub(crate) struct TokenSource {
    source: Source,
    cache: Mutex<Slot>,
    next_generation: std::sync::atomic::AtomicU64,
}

/// When to renew a token of lifetime `lifetime` fetched at `fetched`.
pub(crate) fn renew_at(fetched: Instant, lifetime: Duration) -> Instant {
    let margin = if lifetime >= RENEW_MARGIN * 2 {
        RENEW_MARGIN
    } else {
        lifetime / 2
    };
    fetched + (lifetime - margin)
}

impl TokenSource {
    pub(crate) fn new(auth: &Auth) -> Self {
        let source = match auth {
            Auth::AccessToken(t) => Source::Static(t.clone()),
            Auth::ClientCredentials {
                account_id,
                client_id,
                client_secret,
                token_url,
            } => Source::Credentials(Credentials {
                account_id: account_id.clone(),
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                token_url: token_url.clone(),
            }),
        };
        TokenSource {
            source,
            cache: Mutex::new(Slot::default()),
            next_generation: std::sync::atomic::AtomicU64::new(1),
        }
    }

    pub(crate) fn mode(&self) -> AuthMode {
        match self.source {
            Source::Static(_) => AuthMode::StaticToken,
            Source::Credentials(_) => AuthMode::ClientCredentials,
        }
    }

    /// The current token, fetching one if there is none or it is due for renewal.
    pub(crate) async fn get(&self, ctx: &FetchContext<'_>) -> Result<Token, Error> {
        let creds = match &self.source {
            Source::Static(t) => {
                return Ok(Token {
                    value: t.clone(),
                    generation: 0,
                })
            }
            Source::Credentials(c) => c,
        };
        let asked = Instant::now();
        // Held across the fetch: concurrent callers queue here and find the new token, or
        // the failure of the fetch they waited for.
        let mut slot = self.cache.lock().await;
        if let Some(c) = slot.token.as_ref() {
            if Instant::now() < c.renew_at {
                return Ok(Token {
                    value: c.value.clone(),
                    generation: c.generation,
                });
            }
        }
        if let Some((failed_at, e)) = &slot.failure {
            if *failed_at >= asked {
                return Err(e.clone());
            }
        }
        let fetched = Instant::now();
        let (value, lifetime) = match fetch(creds, ctx).await {
            Ok(got) => got,
            Err(e) => {
                slot.failure = Some((Instant::now(), e.clone()));
                return Err(e);
            }
        };
        let generation = self
            .next_generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        slot.token = Some(Cached {
            value: value.clone(),
            renew_at: renew_at(fetched, lifetime),
            generation,
        });
        slot.failure = None;
        Ok(Token { value, generation })
    }

    /// Zoom rejected token `generation` (code 124): drop it unless it was already replaced.
    pub(crate) async fn invalidate(&self, generation: u64) {
        let mut slot = self.cache.lock().await;
        if slot
            .token
            .as_ref()
            .is_some_and(|c| c.generation == generation)
        {
            slot.token = None;
        }
    }
}

/// `POST token_url` with `grant_type=account_credentials&account_id=..` and Basic auth.
/// Retries 5xx, 429 and lost connections within the budget; credentials errors fail at once.
async fn fetch(creds: &Credentials, ctx: &FetchContext<'_>) -> Result<(Secret, Duration), Error> {
    let start = Instant::now();
    let deadline = start + ctx.retry_budget;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        ctx.counters.token_fetch();
        if attempt > 1 {
            ctx.counters.retry();
        }
        let sent = Instant::now();
        let result = ctx
            .http
            .post(creds.token_url.clone())
            .basic_auth(&creds.client_id, Some(creds.client_secret.expose()))
            .form(&[
                ("grant_type", "account_credentials"),
                ("account_id", creds.account_id.as_str()),
            ])
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(ctx.request_timeout)
            .send()
            .await;
        let mut retry_after = None;
        let err = match result {
            Err(e) => Error::transport(FETCH_TOKEN, &e, &creds.token_url, Endpoint::Token),
            Ok(resp) => {
                let status = resp.status().as_u16();
                let meta = AnswerMeta {
                    status,
                    tracking_id: header(&resp, "x-zm-trackingid"),
                    rate_limit_type: header(&resp, "x-ratelimit-type"),
                };
                retry_after = header(&resp, "retry-after")
                    .and_then(|v| parse_retry_after(&v, std::time::SystemTime::now()));
                match resp.bytes().await {
                    Err(e) => Error::transport(FETCH_TOKEN, &e, &creds.token_url, Endpoint::Token),
                    Ok(body) => {
                        debug!(
                            target: "zoom::auth",
                            status,
                            duration_ms = sent.elapsed().as_millis() as u64,
                            tracking_id = meta.tracking_id.as_deref().unwrap_or(""),
                            attempt,
                            "token fetch"
                        );
                        if (200..300).contains(&status) {
                            note_api_url(&body);
                            return parse_token(&body, status);
                        }
                        if status == 429 {
                            ctx.counters.rate_limited();
                        }
                        error::from_answer(
                            FETCH_TOKEN,
                            &meta,
                            &body,
                            Endpoint::Token,
                            AuthMode::ClientCredentials,
                        )
                    }
                }
            }
        };
        let retryable = matches!(
            err.kind(),
            ErrorKind::Transient | ErrorKind::RateLimited { daily: false }
        );
        if !retryable || attempt >= ctx.max_attempts.max(1) {
            return Err(err.with_attempts(attempt));
        }
        let delay = retry_after.unwrap_or_else(|| ctx.backoff.delay(attempt, &mut rand::rng()));
        if Instant::now() + delay > deadline {
            return Err(err.with_attempts(attempt));
        }
        tokio::time::sleep(delay).await;
    }
}

fn header(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The token answer's `api_url` (Zoom's regional host, without `/v2`) is deliberately not
/// used: requests keep going to the configured `api_url`, so a host without the `/v2` base
/// path can never turn every call into code 2300. It is logged (the host only) so a user
/// can see that Zoom suggests another host and set `api_url` to it.
fn note_api_url(body: &[u8]) {
    let suggested = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("api_url").and_then(|u| u.as_str()).map(str::to_owned))
        .and_then(|u| Url::parse(&u).ok());
    if let Some(u) = suggested {
        debug!(
            target: "zoom::auth",
            api_host = %error::host_of(&u),
            "the token answer names this API host; requests use the configured api_url"
        );
    }
}

/// Read `{access_token, expires_in}`; never echo the body (it holds the token).
fn parse_token(body: &[u8], status: u16) -> Result<(Secret, Duration), Error> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        Error::invalid_response(
            FETCH_TOKEN,
            status,
            "the token endpoint's answer is not JSON",
        )
    })?;
    let token = v
        .get("access_token")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Error::invalid_response(
                FETCH_TOKEN,
                status,
                "the token endpoint's answer has no access_token",
            )
        })?;
    let lifetime = v
        .get("expires_in")
        .and_then(error::lenient_i64)
        .filter(|n| *n > 0)
        .map(|n| Duration::from_secs(n as u64))
        .unwrap_or(DEFAULT_LIFETIME)
        // Zoom's tokens last an hour; a day caps nonsense answers without overflowing
        // `Instant` arithmetic (renewal on code 124 still covers a token that dies early).
        .min(MAX_LIFETIME);
    Ok((Secret::new(token), lifetime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_a_minute_early_or_at_half_life() {
        let t0 = Instant::now();
        assert_eq!(
            renew_at(t0, Duration::from_secs(3600)) - t0,
            Duration::from_secs(3540)
        );
        assert_eq!(
            renew_at(t0, Duration::from_secs(120)) - t0,
            Duration::from_secs(60)
        );
        assert_eq!(
            renew_at(t0, Duration::from_secs(10)) - t0,
            Duration::from_secs(5)
        );
        assert_eq!(
            renew_at(t0, Duration::from_secs(1)) - t0,
            Duration::from_millis(500)
        );
    }

    #[test]
    fn token_answer_is_read_leniently_and_never_echoed() {
        let (t, l) = parse_token(
            br#"{"access_token":"abc","token_type":"bearer","expires_in":"1800"}"#,
            200,
        )
        .unwrap();
        assert_eq!(t.expose(), "abc");
        assert_eq!(l, Duration::from_secs(1800));
        let (_, l) = parse_token(br#"{"access_token":"abc"}"#, 200).unwrap();
        assert_eq!(l, DEFAULT_LIFETIME);
        let e = parse_token(br#"{"access_tokn":"leaked-secret"}"#, 200).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::InvalidResponse);
        assert!(!format!("{e} {e:?}").contains("leaked-secret"));
        let e = parse_token(b"access_token=leaked-secret", 200).unwrap_err();
        assert!(!format!("{e} {e:?}").contains("leaked-secret"));
    }
}
