//! Access tokens: one per client, shared by every clone and task. With client credentials
//! the token is fetched from Zoom's token endpoint (server-to-server OAuth), renewed about
//! 60 s before it expires (at half-life when its lifetime is short), and renewed whenever
//! the API answers code 124 (the request loop bounds how often per request). Concurrent callers wait on one fetch: the cache sits behind an
//! async mutex held for the duration of the fetch, and a fetch that fails answers everyone
//! who was waiting on it (the same credentials would fail the same way), so a thousand
//! requests with a bad secret cost one token request, not a thousand. A static token is
//! handed out as is.

use std::time::Duration;

use reqwest::Method;
use tokio::sync::Mutex;
use tokio::time::Instant;
use tracing::debug;
use url::Url;

use super::config::{Auth, Secret};
use super::error::{self, AuthMode, Endpoint, Error};
use super::retry::Backoff;
use super::stats::Counters;
use super::transport::{self, RetryState, Target};

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

/// `POST token_url` with `grant_type=account_credentials&account_id=..` and Basic auth,
/// through the one transport: 5xx, 429 and lost connections are retried within the budget
/// exactly as API calls are (a 429 without `Retry-After` backs off too); credentials errors
/// fail at once.
async fn fetch(creds: &Credentials, ctx: &FetchContext<'_>) -> Result<(Secret, Duration), Error> {
    let target = Target {
        what: FETCH_TOKEN,
        method: &Method::POST,
        url: &creds.token_url,
        endpoint: Endpoint::Token,
        mode: AuthMode::ClientCredentials,
    };
    let mut st = RetryState::new(ctx.retry_budget, ctx.max_attempts);
    loop {
        st.start_attempt(ctx.counters);
        ctx.counters.token_fetch();
        let builder = ctx
            .http
            .post(creds.token_url.clone())
            .basic_auth(&creds.client_id, Some(creds.client_secret.expose()))
            .form(&[
                ("grant_type", "account_credentials"),
                ("account_id", creds.account_id.as_str()),
            ])
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(ctx.request_timeout);
        let failure = match transport::attempt(builder, &target, &mut st, ctx.counters).await {
            Ok(answer) => {
                note_api_url(&answer.body);
                return parse_token(&answer.body, answer.meta.status);
            }
            Err(f) => f,
        };
        match st.plan_retry(&failure.error, failure.retry_after, &ctx.backoff) {
            Some(delay) => tokio::time::sleep(delay).await,
            None => return Err(failure.error.with_attempts(st.attempts)),
        }
    }
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
    use crate::zoom::ErrorKind;

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

    /// A token endpoint answering every request with a per-second 429 and no
    /// `Retry-After`. Returns its URL and the count of requests it answered.
    async fn rate_limiting_token_endpoint() -> (Url, std::sync::Arc<std::sync::atomic::AtomicU32>) {
        use std::sync::atomic::{AtomicU32, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!(
            "http://{}/oauth/token",
            listener.local_addr().unwrap()
        ))
        .unwrap();
        let requests = std::sync::Arc::new(AtomicU32::new(0));
        let count = requests.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let count = count.clone();
                tokio::spawn(async move {
                    let mut seen = Vec::new();
                    let mut buf = [0u8; 4096];
                    // The head, then the form body (Content-Length bytes).
                    loop {
                        let n = sock.read(&mut buf).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        seen.extend_from_slice(&buf[..n]);
                        let text = String::from_utf8_lossy(&seen).to_ascii_lowercase();
                        if let Some(end) = text.find("\r\n\r\n") {
                            let len = text
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:"))
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .unwrap_or(0);
                            if seen.len() >= end + 4 + len {
                                break;
                            }
                        }
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                    let body = r#"{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}"#;
                    let answer = format!(
                        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = sock.write_all(answer.as_bytes()).await;
                });
            }
        });
        (url, requests)
    }

    #[tokio::test]
    async fn a_429_without_retry_after_from_the_token_endpoint_backs_off() {
        // Every retry waits at least the first backoff ceiling (250 ms) and all of them
        // start within the 1 s budget, so at most 1 + 1000/250 = 5 requests reach the
        // endpoint. Retrying at once (as the token loop once did) makes about twice that.
        let (token_url, requests) = rate_limiting_token_endpoint().await;
        let source = TokenSource::new(&Auth::ClientCredentials {
            account_id: "acct".into(),
            client_id: "id".into(),
            client_secret: Secret::new("secret"),
            token_url,
        });
        let counters = Counters::default();
        let http = reqwest::Client::new();
        let ctx = FetchContext {
            http: &http,
            counters: &counters,
            request_timeout: Duration::from_secs(30),
            retry_budget: Duration::from_secs(1),
            max_attempts: 50,
            backoff: Backoff {
                initial: Duration::from_millis(250),
                max: Duration::from_millis(250),
            },
        };
        let e = source.get(&ctx).await.err().expect("every answer is a 429");
        assert_eq!(e.kind(), &ErrorKind::RateLimited { daily: false }, "{e}");
        let sent = requests.load(std::sync::atomic::Ordering::SeqCst);
        assert!((2..=5).contains(&sent), "{sent} token requests");
        assert_eq!(e.attempts(), sent);
        let stats = counters.snapshot();
        assert_eq!(
            (stats.token_fetches, stats.rate_limited, stats.retries),
            (u64::from(sent), u64::from(sent), u64::from(sent - 1))
        );
    }
}
