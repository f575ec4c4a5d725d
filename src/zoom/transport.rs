//! The one transport to Zoom, for the REST API and the OAuth token endpoint alike: send one
//! attempt, read its answer once, classify what is not a 2xx ([`error::from_answer`]),
//! count 429s, and decide whether and when to try again ([`RetryState`]). `client.rs` adds
//! what only API calls need (tokens, rate-limit slots, 2xx refusals, renewals on 124) and
//! `auth.rs` what only token fetches need (the form, the token answer); the counting of
//! attempts, the reading of `Retry-After` and the backoff after a 429 are the same for both.

use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use tokio::time::Instant;
use tracing::debug;
use url::Url;

use super::error::{self, AnswerMeta, AuthMode, Endpoint, Error, ErrorKind};
use super::retry::{parse_retry_after, Backoff};
use super::stats::Counters;

/// A 2xx answer, read in full.
pub(crate) struct Answer {
    pub meta: AnswerMeta,
    pub body: Vec<u8>,
    /// `Retry-After`, when the answer carried one that parses.
    pub retry_after: Option<Duration>,
}

/// What ended an attempt, and Zoom's `Retry-After` if the answer carried one.
pub(crate) struct Failure {
    pub error: Error,
    pub retry_after: Option<Duration>,
}

/// Where one exchange goes: for the errors it produces and the log line it leaves.
pub(crate) struct Target<'a> {
    /// Human description for errors, e.g. "assign members to role 1".
    pub what: &'a str,
    pub method: &'a Method,
    pub url: &'a Url,
    pub endpoint: Endpoint,
    pub mode: AuthMode,
}

/// Retry bookkeeping for one request (one page, one chunk, one token fetch).
pub(crate) struct RetryState {
    pub deadline: Option<Instant>,
    budget: Duration,
    pub attempts: u32,
    max_attempts: u32,
    /// An earlier attempt may have reached Zoom and been carried out, its answer lost
    /// (5xx, timeout, connection lost after sending).
    pub ambiguous: bool,
    /// How many times the token was renewed for this request after a 124.
    pub renewals: u32,
}

impl RetryState {
    /// `budget`: total time from the first attempt to the start of the last;
    /// `max_attempts`: most attempts, the first included (at least one).
    pub fn new(budget: Duration, max_attempts: u32) -> Self {
        RetryState {
            deadline: None,
            budget,
            attempts: 0,
            max_attempts: max_attempts.max(1),
            ambiguous: false,
            renewals: 0,
        }
    }

    /// Counts an attempt (and, after the first, a retry) and starts the budget's clock.
    pub fn start_attempt(&mut self, counters: &Counters) {
        self.attempts += 1;
        if self.attempts > 1 {
            counters.retry();
        }
        if self.deadline.is_none() {
            self.deadline = Some(Instant::now() + self.budget);
        }
    }

    /// How long to wait before retrying after `err`, or `None` to give up.
    pub fn plan_retry(
        &self,
        err: &Error,
        retry_after: Option<Duration>,
        backoff: &Backoff,
    ) -> Option<Duration> {
        let delay = match err.kind() {
            ErrorKind::Transient => {
                retry_after.unwrap_or_else(|| backoff.delay(self.attempts, &mut rand::rng()))
            }
            ErrorKind::RateLimited { daily: false } => match retry_after {
                // Honour Zoom's word, plus a little jitter so waiters do not return as one.
                Some(d) => d + backoff.delay(1, &mut rand::rng()) / 4,
                // Per-second limits clear within a second; never retry immediately.
                None => backoff
                    .delay(self.attempts, &mut rand::rng())
                    .max(backoff.initial),
            },
            _ => return None,
        };
        if self.attempts >= self.max_attempts {
            return None;
        }
        let deadline = self.deadline?;
        (Instant::now() + delay <= deadline).then_some(delay)
    }
}

/// A header's value, trimmed; `None` when absent, empty or not text.
pub(crate) fn header(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Sends one attempt (already counted with [`RetryState::start_attempt`]) and reads its
/// answer once. A 2xx comes back as an [`Answer`]: whether it is the success the caller
/// expected is the caller's to say. Anything else is classified into an error; 429s are
/// counted, and `st` notes when the request may have been carried out all the same.
pub(crate) async fn attempt(
    builder: RequestBuilder,
    t: &Target<'_>,
    st: &mut RetryState,
    counters: &Counters,
) -> Result<Answer, Failure> {
    let sent = Instant::now();
    let fail = |error: Error, retry_after: Option<Duration>| Failure { error, retry_after };
    let resp = match builder.send().await {
        Ok(resp) => resp,
        Err(e) => {
            // A refused connection never reached Zoom; anything later may have.
            if !e.is_connect() {
                st.ambiguous = true;
            }
            let err = Error::transport(t.what, &e, t.url, t.endpoint);
            if let Endpoint::Api(op) = t.endpoint {
                debug!(
                    target: "zoom",
                    operation = op.name(),
                    method = %t.method,
                    path = t.url.path(),
                    attempt = st.attempts,
                    duration_ms = sent.elapsed().as_millis() as u64,
                    error = err.message(),
                    "request failed"
                );
            }
            return Err(fail(err, None));
        }
    };
    let status = resp.status().as_u16();
    let meta = AnswerMeta {
        status,
        tracking_id: header(&resp, "x-zm-trackingid"),
        rate_limit_type: header(&resp, "x-ratelimit-type"),
    };
    let retry_after = header(&resp, "retry-after")
        .and_then(|v| parse_retry_after(&v, std::time::SystemTime::now()));
    let body = resp.bytes().await;
    let duration_ms = sent.elapsed().as_millis() as u64;
    let tracking_id = meta.tracking_id.as_deref().unwrap_or("");
    match t.endpoint {
        Endpoint::Api(op) | Endpoint::Master(op) => debug!(
            target: "zoom",
            operation = op.name(),
            method = %t.method,
            path = t.url.path(),
            status,
            attempt = st.attempts,
            duration_ms,
            tracking_id,
            "request"
        ),
        Endpoint::Token => debug!(
            target: "zoom::auth",
            status,
            duration_ms,
            tracking_id,
            attempt = st.attempts,
            "token fetch"
        ),
    }
    let body = match body {
        Ok(body) => body.to_vec(),
        Err(e) => {
            st.ambiguous = true;
            let err = Error::transport(t.what, &e, t.url, t.endpoint);
            return Err(fail(err, retry_after));
        }
    };
    if (200..300).contains(&status) {
        return Ok(Answer {
            meta,
            body,
            retry_after,
        });
    }
    if status == 429 {
        counters.rate_limited();
    }
    if status >= 500 {
        st.ambiguous = true;
    }
    let err = error::from_answer(t.what, &meta, &body, t.endpoint, t.mode);
    Err(fail(err, retry_after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate_limited() -> Error {
        error::from_answer(
            "fetch an OAuth access token",
            &AnswerMeta {
                status: 429,
                ..AnswerMeta::default()
            },
            br#"{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}"#,
            Endpoint::Token,
            AuthMode::ClientCredentials,
        )
    }

    #[test]
    fn a_429_without_retry_after_never_retries_at_once() {
        let backoff = Backoff {
            initial: Duration::from_millis(300),
            max: Duration::from_secs(10),
        };
        let mut st = RetryState::new(Duration::from_secs(3600), 100);
        let counters = Counters::default();
        let err = rate_limited();
        assert_eq!(err.kind(), &ErrorKind::RateLimited { daily: false });
        for _ in 0..50 {
            st.start_attempt(&counters);
            let d = st.plan_retry(&err, None, &backoff).expect("retried");
            assert!(d >= backoff.initial, "{d:?}");
        }
    }

    #[test]
    fn attempts_and_budget_bound_the_retries() {
        let backoff = Backoff {
            initial: Duration::from_millis(1),
            max: Duration::from_millis(1),
        };
        let counters = Counters::default();
        let err = rate_limited();
        let mut st = RetryState::new(Duration::from_secs(3600), 3);
        st.start_attempt(&counters);
        assert!(st.plan_retry(&err, None, &backoff).is_some());
        st.start_attempt(&counters);
        st.start_attempt(&counters);
        assert_eq!(st.plan_retry(&err, None, &backoff), None, "3 of 3 made");
        let mut st = RetryState::new(Duration::ZERO, 3);
        st.start_attempt(&counters);
        assert_eq!(st.plan_retry(&err, None, &backoff), None, "no budget");
    }
}
