//! The client's one error type: what failed, Zoom's answer (HTTP status, Zoom code, message,
//! tracking id), its classification ([`ErrorKind`]) and advice a user can act on.
//! Owns the rules that turn an HTTP answer into a kind. Zoom mixes HTTP statuses and its
//! own codes, so the Zoom `code` in the body decides first and the HTTP status second.
//! No credential ever reaches an error: bodies of the token endpoint are reduced to
//! Zoom's `error`/`reason` fields, and transport errors lose their URL.

use std::fmt;

use serde_json::Value;

/// What kind of failure an [`Error`] is. Decide on this, not on the text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The role or user does not exist: Zoom code 1034 (any status), 1001, or HTTP 404.
    NotFound,
    /// A role with this name already exists (code 1224).
    NameConflict,
    /// Credentials or token rejected: code 124 (after one renewal, or at once with a static
    /// token), the token endpoint's `invalid_client` and 47xx answers, or a bare 401.
    Authentication,
    /// The token lacks OAuth scopes (4700 classic, 4711 granular); `scopes` lists them as
    /// Zoom named them (empty if Zoom's message could not be parsed).
    MissingScopes {
        /// The scopes Zoom says are missing.
        scopes: Vec<String>,
    },
    /// Zoom refused for lack of permission or plan: a 2xx answer carrying a Zoom code
    /// (e.g. 200 "No permission." / "must be a paid account"), code 2300, or HTTP 403.
    PermissionOrPlan,
    /// The request was invalid (code 300 and other 4xx answers).
    Validation,
    /// Rate limited (HTTP 429). `daily` is true when the account's daily cap is used up:
    /// such a call fails at once, Zoom resumes at 00:00 GMT.
    RateLimited {
        /// Daily cap rather than per-second limit.
        daily: bool,
    },
    /// Server error (5xx), lost connection or timeout that outlasted the retries.
    Transient,
    /// Zoom answered success with a body the client cannot understand.
    InvalidResponse,
    /// The client configuration is unusable (e.g. an empty credential).
    Configuration,
}

/// An error from the Zoom client. `Display` is meant for users: what failed, Zoom's code and
/// message, the tracking id, and what to do.
#[derive(thiserror::Error)]
#[error("{inner}")]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Clone, Debug)]
struct Inner {
    kind: ErrorKind,
    operation: String,
    status: Option<u16>,
    code: Option<i64>,
    message: String,
    tracking_id: Option<String>,
    attempts: u32,
    advice: Option<String>,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Error")
            .field("kind", &i.kind)
            .field("operation", &i.operation)
            .field("status", &i.status)
            .field("code", &i.code)
            .field("message", &i.message)
            .field("tracking_id", &i.tracking_id)
            .field("attempts", &i.attempts)
            .finish()
    }
}

impl Clone for Error {
    fn clone(&self) -> Self {
        Error {
            inner: self.inner.clone(),
        }
    }
}

impl Error {
    /// The classification.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }
    /// True for [`ErrorKind::NotFound`].
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::NotFound
    }
    /// True for [`ErrorKind::NameConflict`].
    pub fn is_name_conflict(&self) -> bool {
        self.inner.kind == ErrorKind::NameConflict
    }
    /// Zoom's `code` from the answer body, if any.
    pub fn zoom_code(&self) -> Option<i64> {
        self.inner.code
    }
    /// The HTTP status, if an answer arrived.
    pub fn http_status(&self) -> Option<u16> {
        self.inner.status
    }
    /// Zoom's message (or the transport's description).
    pub fn message(&self) -> &str {
        &self.inner.message
    }
    /// The `x-zm-trackingid` header of the answer, for Zoom support.
    pub fn tracking_id(&self) -> Option<&str> {
        self.inner.tracking_id.as_deref()
    }
    /// What failed, e.g. "assign members to role 1".
    pub fn operation(&self) -> &str {
        &self.inner.operation
    }
    /// How many HTTP attempts were made before giving up (0 when none was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }
    /// The missing scopes of a [`ErrorKind::MissingScopes`] error, else empty.
    pub fn missing_scopes(&self) -> &[String] {
        match &self.inner.kind {
            ErrorKind::MissingScopes { scopes } => scopes,
            _ => &[],
        }
    }
    /// The advice shown at the end of `Display`.
    pub fn advice(&self) -> Option<&str> {
        self.inner.advice.as_deref()
    }

    pub(crate) fn new(
        kind: ErrorKind,
        operation: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Error {
            inner: Box::new(Inner {
                kind,
                operation: operation.into(),
                status: None,
                code: None,
                message: message.into(),
                tracking_id: None,
                attempts: 0,
                advice: None,
            }),
        };
        e.inner.advice = default_advice(&e.inner, AuthMode::ClientCredentials, Endpoint::Api);
        e
    }

    pub(crate) fn configuration(message: impl Into<String>) -> Self {
        Error::new(
            ErrorKind::Configuration,
            "configure the Zoom client",
            message,
        )
    }

    pub(crate) fn invalid_response(
        operation: impl Into<String>,
        status: u16,
        detail: impl Into<String>,
    ) -> Self {
        let mut e = Error::new(ErrorKind::InvalidResponse, operation, detail);
        e.inner.status = Some(status);
        e
    }

    /// A transport failure (connect, timeout, reset, body cut short): transient.
    pub(crate) fn transport(operation: impl Into<String>, err: &reqwest::Error) -> Self {
        let what = if err.is_timeout() {
            "timed out"
        } else if err.is_connect() {
            "could not connect"
        } else if err.is_body() || err.is_decode() {
            "connection lost while reading the answer"
        } else {
            "connection failed"
        };
        // Walk the chain for the root cause; drop the URL (it could carry userinfo).
        let mut detail = err_without_url(err);
        let mut cur = std::error::Error::source(err);
        while let Some(e) = cur {
            let text = e.to_string();
            if !text.is_empty() && !detail.contains(&text) {
                detail.push_str(": ");
                detail.push_str(&text);
            }
            cur = e.source();
        }
        Error::new(
            ErrorKind::Transient,
            operation,
            format!("{what} ({detail})"),
        )
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    pub(crate) fn with_operation(mut self, operation: impl Into<String>) -> Self {
        self.inner.operation = operation.into();
        self
    }
}

fn err_without_url(err: &reqwest::Error) -> String {
    // reqwest::Error is not Clone; rebuild its text without the URL part.
    let text = err.to_string();
    match err.url() {
        Some(url) => text
            .replace(&format!(" ({url})"), "")
            .replace(&format!(" for url ({url})"), "")
            .replace(url.as_str(), "<url>"),
        None => text,
    }
}

impl fmt::Display for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.operation, kind_label(&self.kind))?;
        match (self.code, self.message.is_empty()) {
            (Some(code), false) => write!(f, ": Zoom code {code}: {}", self.message)?,
            (Some(code), true) => write!(f, ": Zoom code {code}")?,
            (None, false) => write!(f, ": {}", self.message)?,
            (None, true) => {}
        }
        let mut parts = Vec::new();
        if let Some(s) = self.status {
            parts.push(format!("HTTP {s}"));
        }
        if let Some(t) = &self.tracking_id {
            parts.push(format!("tracking id {t}"));
        }
        if self.attempts > 1 {
            parts.push(format!("after {} attempts", self.attempts));
        }
        if !parts.is_empty() {
            write!(f, " ({})", parts.join(", "))?;
        }
        if let Some(a) = &self.advice {
            write!(f, ". {a}")?;
        }
        Ok(())
    }
}

fn kind_label(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotFound => "not found",
        ErrorKind::NameConflict => "name already in use",
        ErrorKind::Authentication => "authentication failed",
        ErrorKind::MissingScopes { .. } => "the access token lacks OAuth scopes",
        ErrorKind::PermissionOrPlan => "refused for lack of permission or plan",
        ErrorKind::Validation => "rejected as invalid",
        ErrorKind::RateLimited { daily: true } => "daily rate limit reached",
        ErrorKind::RateLimited { daily: false } => "rate limited",
        ErrorKind::Transient => "temporary failure",
        ErrorKind::InvalidResponse => "unexpected answer from Zoom",
        ErrorKind::Configuration => "invalid configuration",
    }
}

/// How the client authenticates; shapes the advice of authentication errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthMode {
    ClientCredentials,
    StaticToken,
}

/// Which server answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// The REST API.
    Api,
    /// The OAuth token endpoint.
    Token,
}

/// What the client saw of an HTTP answer, besides the body.
#[derive(Clone, Debug, Default)]
pub(crate) struct AnswerMeta {
    pub status: u16,
    pub tracking_id: Option<String>,
    /// `X-RateLimit-Type` (`QPS` or `Daily-limit`).
    pub rate_limit_type: Option<String>,
}

/// Zoom's error fields from a body, leniently.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ZoomBody {
    pub code: Option<i64>,
    pub message: String,
    /// OAuth `error` of the token endpoint, e.g. `invalid_client`.
    pub oauth_error: Option<String>,
}

/// Read `code`/`message`/`errors` (REST) or `error`/`reason` (OAuth) from a body.
/// Returns `None` when the body is not a JSON object.
pub(crate) fn parse_zoom_body(body: &[u8]) -> Option<ZoomBody> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let obj = v.as_object()?;
    let code = obj.get("code").and_then(lenient_i64);
    let mut message = obj
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| obj.get("reason").and_then(Value::as_str).map(str::to_owned))
        .or_else(|| {
            obj.get("error_description")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default();
    if let Some(errors) = obj.get("errors").and_then(Value::as_array) {
        let details: Vec<String> = errors
            .iter()
            .filter_map(|e| {
                let field = e.get("field").and_then(Value::as_str).unwrap_or("");
                let msg = e.get("message").and_then(Value::as_str).unwrap_or("");
                match (field.is_empty(), msg.is_empty()) {
                    (true, true) => None,
                    (false, false) => Some(format!("{field}: {msg}")),
                    (true, false) => Some(msg.to_owned()),
                    (false, true) => Some(field.to_owned()),
                }
            })
            .collect();
        if !details.is_empty() {
            if !message.is_empty() {
                message.push_str(" (");
                message.push_str(&details.join("; "));
                message.push(')');
            } else {
                message = details.join("; ");
            }
        }
    }
    let oauth_error = obj.get("error").and_then(Value::as_str).map(str::to_owned);
    Some(ZoomBody {
        code,
        message,
        oauth_error,
    })
}

/// An integer given as a JSON number or a numeric string.
pub(crate) fn lenient_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A 2xx answer whose body is an object with a Zoom `code` and `message` (and no `id`) is
/// Zoom's way of refusing, e.g. `{"code":200,"message":"No permission."}`.
pub(crate) fn embedded_error(body: &[u8]) -> Option<ZoomBody> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let obj = v.as_object()?;
    if obj.contains_key("id") || !obj.contains_key("message") {
        return None;
    }
    let code = obj.get("code").and_then(lenient_i64)?;
    let _ = code;
    parse_zoom_body(body)
}

/// Classify an answer. `code` is Zoom's code from the body; it decides before the status.
pub(crate) fn classify(
    status: u16,
    body: &ZoomBody,
    rate_limit_type: Option<&str>,
    endpoint: Endpoint,
) -> ErrorKind {
    let msg_lower = body.message.to_ascii_lowercase();
    if status == 429 || body.code == Some(429) {
        let daily = rate_limit_type.is_some_and(|t| t.eq_ignore_ascii_case("daily-limit"))
            || msg_lower.contains("daily")
            || msg_lower.contains("resume these requests");
        return ErrorKind::RateLimited { daily };
    }
    if endpoint == Endpoint::Token {
        return match status {
            500..=599 => ErrorKind::Transient,
            _ => ErrorKind::Authentication,
        };
    }
    match body.code {
        Some(124) => return ErrorKind::Authentication,
        Some(4700) | Some(4711) => {
            return ErrorKind::MissingScopes {
                scopes: parse_scopes(&body.message),
            }
        }
        Some(1034) | Some(1001) => return ErrorKind::NotFound,
        Some(1224) => return ErrorKind::NameConflict,
        Some(2300) => return ErrorKind::PermissionOrPlan,
        Some(300) => return ErrorKind::Validation,
        _ => {}
    }
    match status {
        200..=299 => ErrorKind::PermissionOrPlan,
        401 => ErrorKind::Authentication,
        403 => ErrorKind::PermissionOrPlan,
        404 => ErrorKind::NotFound,
        408 => ErrorKind::Transient,
        400..=499 => ErrorKind::Validation,
        500..=599 => ErrorKind::Transient,
        _ => ErrorKind::InvalidResponse,
    }
}

/// Pull scope names out of a 4700/4711 message such as
/// `Invalid access token, does not contain scopes:[role:read:admin, role:write:admin].`
pub fn parse_scopes(message: &str) -> Vec<String> {
    let lower = message.to_ascii_lowercase();
    let Some(at) = lower.find("scope") else {
        return Vec::new();
    };
    // Skip the word itself ("scope" / "scopes"); the scopes follow it.
    let rest = message[at + "scope".len()..].trim_start_matches(['s', 'S']);
    let mut out: Vec<String> = Vec::new();
    for raw in rest.split([',', ' ', '[', ']', '"', '\'']) {
        let s = raw
            .trim()
            .trim_start_matches(':')
            .trim_end_matches(['.', ';', ':']);
        // A scope looks like `resource:action[:detail]:admin`, letters, digits, `_`, `:`.
        if s.contains(':')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '_' || c == '-' || c == '.')
            && !out.iter().any(|o| o == s)
        {
            out.push(s.to_owned());
        }
    }
    out
}

/// Build the error for a failed answer.
pub(crate) fn from_answer(
    operation: &str,
    meta: &AnswerMeta,
    body: &[u8],
    endpoint: Endpoint,
    auth: AuthMode,
) -> Error {
    let parsed = parse_zoom_body(body).unwrap_or_else(|| ZoomBody {
        code: None,
        // Never echo a token endpoint's free text: it is the one place a credential
        // could appear.
        message: match endpoint {
            Endpoint::Api => text_snippet(body, meta.status),
            Endpoint::Token => http_reason(meta.status).to_owned(),
        },
        oauth_error: None,
    });
    let kind = classify(
        meta.status,
        &parsed,
        meta.rate_limit_type.as_deref(),
        endpoint,
    );
    let message = match (&parsed.oauth_error, parsed.message.is_empty()) {
        (Some(e), false) => format!("{e}: {}", parsed.message),
        (Some(e), true) => e.clone(),
        (None, _) => parsed.message.clone(),
    };
    let mut inner = Inner {
        kind,
        operation: operation.to_owned(),
        status: Some(meta.status),
        code: parsed.code,
        message,
        tracking_id: meta.tracking_id.clone(),
        attempts: 1,
        advice: None,
    };
    inner.advice = default_advice(&inner, auth, endpoint);
    Error {
        inner: Box::new(inner),
    }
}

fn text_snippet(body: &[u8], status: u16) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() || text.starts_with('<') {
        // Empty or an HTML page from a proxy: the status says more.
        return http_reason(status).to_owned();
    }
    let mut s: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
    if text.chars().count() > 200 {
        s.push('…');
    }
    s
}

fn http_reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("no message")
}

fn default_advice(e: &Inner, auth: AuthMode, endpoint: Endpoint) -> Option<String> {
    let s = match &e.kind {
        ErrorKind::NotFound => match e.code {
            Some(1001) => "Check the user's id or email: the user must exist in this Zoom account.".to_owned(),
            _ => "The object does not exist in Zoom; it may have been deleted outside Terraform.".to_owned(),
        },
        ErrorKind::NameConflict => {
            "Another role already has this name: choose another name, or import the existing role.".to_owned()
        }
        ErrorKind::Authentication => match (endpoint, auth) {
            (Endpoint::Token, _) => "Zoom rejected the app's credentials: check client_id, client_secret and \
                 account_id against the Server-to-Server OAuth app in the Zoom App Marketplace, and that the app \
                 is activated."
                .to_owned(),
            (Endpoint::Api, AuthMode::StaticToken) => "The access token is invalid or expired: supply a fresh \
                 access_token, or configure client_id, client_secret and account_id so the provider fetches and \
                 renews tokens itself."
                .to_owned(),
            (Endpoint::Api, AuthMode::ClientCredentials) => "Zoom rejected a freshly fetched access token: check \
                 that client_id, client_secret and account_id belong to one activated Server-to-Server OAuth app."
                .to_owned(),
        },
        ErrorKind::MissingScopes { scopes } => {
            let list = if scopes.is_empty() {
                "the scopes named above".to_owned()
            } else {
                scopes.join(", ")
            };
            format!(
                "Add {list} to the app's scopes in the Zoom App Marketplace. A token keeps the scopes it was \
                 issued with, so a NEW token is needed after adding them: the provider fetches one when it \
                 starts (a static access_token must be generated again)."
            )
        }
        ErrorKind::PermissionOrPlan => match e.code {
            Some(2300) => "Zoom did not recognise the endpoint: check api_url (normally https://api.zoom.us/v2), \
                 the HTTP method, and that the account's plan allows role management (Pro or higher)."
                .to_owned(),
            _ => "Role management needs a paid (Pro or higher) Zoom account and an app whose user may manage \
                 roles; only the account Owner can create the first custom role."
                .to_owned(),
        },
        ErrorKind::Validation => "Zoom rejected the request: check the values in the configuration.".to_owned(),
        ErrorKind::RateLimited { daily: true } => "The account's daily request limit for this API is used up; \
             Zoom resumes these requests at 00:00 GMT. Try again after that."
            .to_owned(),
        ErrorKind::RateLimited { daily: false } => "Zoom kept rate-limiting the request for longer than \
             retries may take: set rate_limit_plan to the account's plan, or lower rate_limit_light and \
             rate_limit_medium (the account's limits are shared by all its apps), or raise retry_timeout."
            .to_owned(),
        ErrorKind::Transient => "This looked temporary but outlasted the retries: try again later; if it \
             persists check api_url, the network, and Zoom's status page."
            .to_owned(),
        ErrorKind::InvalidResponse => "Check that api_url points at Zoom's REST API (https://api.zoom.us/v2).".to_owned(),
        ErrorKind::Configuration => return None,
    };
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(status: u16, body: &str, rl: Option<&str>, endpoint: Endpoint, auth: AuthMode) -> Error {
        let meta = AnswerMeta {
            status,
            tracking_id: Some("v=2.0;clid=us06;rid=abc".into()),
            rate_limit_type: rl.map(str::to_owned),
        };
        from_answer(
            "assign members to role 1",
            &meta,
            body.as_bytes(),
            endpoint,
            auth,
        )
    }

    fn api(status: u16, body: &str) -> Error {
        err(
            status,
            body,
            None,
            Endpoint::Api,
            AuthMode::ClientCredentials,
        )
    }

    #[test]
    fn classification_table() {
        use ErrorKind::*;
        let cases: Vec<(u16, &str, Option<&str>, Endpoint, ErrorKind)> = vec![
            (
                400,
                r#"{"code":1034,"message":"Role does not exist."}"#,
                None,
                Endpoint::Api,
                NotFound,
            ),
            (
                404,
                r#"{"code":1034,"message":"Role does not exist."}"#,
                None,
                Endpoint::Api,
                NotFound,
            ),
            (
                200,
                r#"{"code":1034,"message":"Role does not exist."}"#,
                None,
                Endpoint::Api,
                NotFound,
            ),
            (
                404,
                r#"{"code":1001,"message":"User does not exist: a@b.c"}"#,
                None,
                Endpoint::Api,
                NotFound,
            ),
            (
                400,
                r#"{"code":"1001","message":"User does not exist"}"#,
                None,
                Endpoint::Api,
                NotFound,
            ),
            (404, "", None, Endpoint::Api, NotFound),
            (404, "<html>nope</html>", None, Endpoint::Api, NotFound),
            (
                409,
                r#"{"code":1224,"message":"Role name already used"}"#,
                None,
                Endpoint::Api,
                NameConflict,
            ),
            (
                400,
                r#"{"code":1224,"message":"Role name already used"}"#,
                None,
                Endpoint::Api,
                NameConflict,
            ),
            (
                401,
                r#"{"code":124,"message":"Invalid access token."}"#,
                None,
                Endpoint::Api,
                Authentication,
            ),
            (
                400,
                r#"{"code":124,"message":"Access token is expired."}"#,
                None,
                Endpoint::Api,
                Authentication,
            ),
            (401, "", None, Endpoint::Api, Authentication),
            (
                400,
                r#"{"code":4711,"message":"Invalid access token, does not contain scopes:[role:read:admin, role:write:admin]."}"#,
                None,
                Endpoint::Api,
                MissingScopes {
                    scopes: vec!["role:read:admin".into(), "role:write:admin".into()],
                },
            ),
            (
                401,
                r#"{"code":4700,"message":"Invalid access token, does not contain scopes: user:read:admin"}"#,
                None,
                Endpoint::Api,
                MissingScopes {
                    scopes: vec!["user:read:admin".into()],
                },
            ),
            (
                200,
                r#"{"code":200,"message":"No permission."}"#,
                None,
                Endpoint::Api,
                PermissionOrPlan,
            ),
            (
                200,
                r#"{"code":200,"message":"Only available for paid account."}"#,
                None,
                Endpoint::Api,
                PermissionOrPlan,
            ),
            (
                201,
                r#"{"code":200,"message":"No permission."}"#,
                None,
                Endpoint::Api,
                PermissionOrPlan,
            ),
            (
                400,
                r#"{"code":2300,"message":"This API endpoint is not recognized."}"#,
                None,
                Endpoint::Api,
                PermissionOrPlan,
            ),
            (
                404,
                r#"{"code":2300,"message":"This API endpoint is not recognized."}"#,
                None,
                Endpoint::Api,
                PermissionOrPlan,
            ),
            (
                403,
                r#"{"code":1,"message":"Forbidden"}"#,
                None,
                Endpoint::Api,
                PermissionOrPlan,
            ),
            (
                400,
                r#"{"code":300,"message":"Can't delete or add members for Normal/Owner roles"}"#,
                None,
                Endpoint::Api,
                Validation,
            ),
            (
                404,
                r#"{"code":300,"message":"RoleId required"}"#,
                None,
                Endpoint::Api,
                Validation,
            ),
            (
                400,
                r#"{"code":5000,"message":"whatever"}"#,
                None,
                Endpoint::Api,
                Validation,
            ),
            (422, "not json", None, Endpoint::Api, Validation),
            (
                429,
                r#"{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}"#,
                Some("QPS"),
                Endpoint::Api,
                RateLimited { daily: false },
            ),
            (429, "", None, Endpoint::Api, RateLimited { daily: false }),
            (
                429,
                "",
                Some("Daily-limit"),
                Endpoint::Api,
                RateLimited { daily: true },
            ),
            (
                429,
                r#"{"code":429,"message":"You have reached the maximum daily rate limit for this API. You may resume these requests at GMT 00:00:00."}"#,
                None,
                Endpoint::Api,
                RateLimited { daily: true },
            ),
            (500, "", None, Endpoint::Api, Transient),
            (
                502,
                "<html>Bad gateway</html>",
                None,
                Endpoint::Api,
                Transient,
            ),
            (
                503,
                r#"{"code":5001,"message":"busy"}"#,
                None,
                Endpoint::Api,
                Transient,
            ),
            (408, "", None, Endpoint::Api, Transient),
            (302, "", None, Endpoint::Api, InvalidResponse),
            (
                400,
                r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
                None,
                Endpoint::Token,
                Authentication,
            ),
            (
                401,
                r#"{"code":4702,"message":"Invalid client"}"#,
                None,
                Endpoint::Token,
                Authentication,
            ),
            (
                400,
                r#"{"code":4706,"message":"Missing grant type"}"#,
                None,
                Endpoint::Token,
                Authentication,
            ),
            (503, "", None, Endpoint::Token, Transient),
            (429, "", None, Endpoint::Token, RateLimited { daily: false }),
        ];
        for (status, body, rl, endpoint, want) in cases {
            let e = err(status, body, rl, endpoint, AuthMode::ClientCredentials);
            assert_eq!(e.kind(), &want, "status {status} body {body}");
            assert_eq!(e.http_status(), Some(status));
            assert_eq!(e.tracking_id(), Some("v=2.0;clid=us06;rid=abc"));
        }
    }

    #[test]
    fn embedded_error_only_for_code_and_message_without_id() {
        assert!(embedded_error(br#"{"code":200,"message":"No permission."}"#).is_some());
        assert!(embedded_error(br#"{"code":"200","message":"No permission."}"#).is_some());
        assert!(embedded_error(br#"{"id":"r1","name":"x"}"#).is_none());
        assert!(embedded_error(br#"{"id":"r1","code":1,"message":"x"}"#).is_none());
        assert!(embedded_error(br#"{"add_at":"2024","ids":"a,b"}"#).is_none());
        assert!(embedded_error(b"").is_none());
        assert!(embedded_error(b"[]").is_none());
    }

    #[test]
    fn scopes_are_parsed_in_several_forms() {
        assert_eq!(
            parse_scopes("Invalid access token, does not contain scopes:[role:read:admin, role:write:admin]."),
            vec!["role:read:admin", "role:write:admin"]
        );
        assert_eq!(
            parse_scopes(
                "Invalid access token, does not contain scopes:[role:read:list_roles:admin]"
            ),
            vec!["role:read:list_roles:admin"]
        );
        assert_eq!(
            parse_scopes("does not contain scopes: user:read:admin,user:read:user:admin"),
            vec!["user:read:admin", "user:read:user:admin"]
        );
        assert_eq!(
            parse_scopes(r#"missing scope "role:write:member:admin""#),
            vec!["role:write:member:admin"]
        );
        assert!(parse_scopes("Invalid access token.").is_empty());
        assert!(parse_scopes("scopes:").is_empty());
    }

    #[test]
    fn display_of_each_class_says_what_failed_code_tracking_and_what_to_do() {
        let e = api(
            404,
            r#"{"code":1001,"message":"User does not exist: a@b.c"}"#,
        );
        assert_eq!(
            e.to_string(),
            "assign members to role 1 failed: not found: Zoom code 1001: User does not exist: a@b.c \
             (HTTP 404, tracking id v=2.0;clid=us06;rid=abc). Check the user's id or email: the user must \
             exist in this Zoom account."
        );

        let e = api(400, r#"{"code":1034,"message":"Role does not exist."}"#);
        assert!(
            e.to_string()
                .contains("not found: Zoom code 1034: Role does not exist."),
            "{e}"
        );
        assert!(e.to_string().contains("deleted outside Terraform"), "{e}");

        let e = api(400, r#"{"code":1224,"message":"Role name already used"}"#);
        assert!(
            e.to_string()
                .contains("name already in use: Zoom code 1224"),
            "{e}"
        );
        assert!(e.to_string().contains("import the existing role"), "{e}");

        let e = api(
            400,
            r#"{"code":4711,"message":"Invalid access token, does not contain scopes:[role:read:admin, role:write:admin]."}"#,
        );
        let t = e.to_string();
        assert!(t.contains("lacks OAuth scopes: Zoom code 4711"), "{t}");
        assert!(
            t.contains("Add role:read:admin, role:write:admin to the app's scopes"),
            "{t}"
        );
        assert!(t.contains("a NEW token is needed"), "{t}");
        assert_eq!(
            e.missing_scopes(),
            &["role:read:admin".to_owned(), "role:write:admin".to_owned()]
        );

        let e = api(
            400,
            r#"{"code":2300,"message":"This API endpoint is not recognized."}"#,
        );
        let t = e.to_string();
        assert!(
            t.contains("Zoom code 2300") && t.contains("check api_url"),
            "{t}"
        );
        assert!(
            t.contains("HTTP method") && t.contains("plan allows role management"),
            "{t}"
        );

        let e = api(200, r#"{"code":200,"message":"No permission."}"#);
        let t = e.to_string();
        assert!(
            t.contains("refused for lack of permission or plan: Zoom code 200: No permission."),
            "{t}"
        );
        assert!(t.contains("paid (Pro or higher)"), "{t}");

        let e = api(
            400,
            r#"{"code":300,"message":"This role cannot be updated"}"#,
        );
        assert!(e
            .to_string()
            .contains("rejected as invalid: Zoom code 300: This role cannot be updated"));

        let e = err(
            429,
            "",
            Some("Daily-limit"),
            Endpoint::Api,
            AuthMode::ClientCredentials,
        );
        let t = e.to_string();
        assert!(
            t.contains("daily rate limit reached") && t.contains("00:00 GMT"),
            "{t}"
        );

        let e = api(429, r#"{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}"#).with_attempts(8);
        let t = e.to_string();
        assert!(
            t.contains("rate limited: Zoom code 429") && t.contains("after 8 attempts"),
            "{t}"
        );
        assert!(
            t.contains("lower rate_limit_light and rate_limit_medium")
                && t.contains("raise retry_timeout"),
            "{t}"
        );

        let e = api(503, "<html>down</html>").with_attempts(3);
        let t = e.to_string();
        assert!(
            t.contains("temporary failure: Service Unavailable (HTTP 503"),
            "{t}"
        );
        assert!(t.contains("try again later"), "{t}");

        let e = err(
            400,
            r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
            None,
            Endpoint::Token,
            AuthMode::ClientCredentials,
        )
        .with_operation("fetch an OAuth access token");
        let t = e.to_string();
        assert!(
            t.starts_with(
                "fetch an OAuth access token failed: authentication failed: invalid_client: Invalid client_id or client_secret"
            ),
            "{t}"
        );
        assert!(
            t.contains("check client_id, client_secret and account_id"),
            "{t}"
        );

        let e = err(
            401,
            r#"{"code":124,"message":"Invalid access token."}"#,
            None,
            Endpoint::Api,
            AuthMode::StaticToken,
        );
        let t = e.to_string();
        assert!(t.contains("authentication failed: Zoom code 124"), "{t}");
        assert!(
            t.contains("supply a fresh access_token")
                && t.contains("client_id, client_secret and account_id"),
            "{t}"
        );

        let e = api(401, r#"{"code":124,"message":"Invalid access token."}"#);
        assert!(e.to_string().contains("freshly fetched"), "{e}");
    }

    #[test]
    fn errors_detail_is_folded_into_the_message() {
        let e = api(
            400,
            r#"{"code":300,"message":"Validation Failed.","errors":[{"field":"name","message":"must not be empty"}]}"#,
        );
        assert_eq!(e.message(), "Validation Failed. (name: must not be empty)");
    }

    #[test]
    fn debug_has_no_advice_noise_and_no_secrets() {
        let e = api(401, r#"{"code":124,"message":"Invalid access token."}"#);
        let d = format!("{e:?}");
        assert!(d.contains("Authentication") && d.contains("124"), "{d}");
    }
}
