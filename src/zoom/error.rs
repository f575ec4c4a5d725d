//! The client's one error type: what failed, Zoom's answer (HTTP status, Zoom code, message,
//! tracking id), its classification ([`ErrorKind`]), the facts a caller needs to advise
//! its own users ([`Error::server`], [`Error::unreachable_host`], [`Error::static_token`])
//! and advice in the client's own terms (its [`super::ClientConfig`] fields). Callers with
//! other words for those settings (the provider's diagnostics) advise with
//! [`Error::what_happened`] and their own text.
//! Owns the rules that turn an HTTP answer into a kind, in one place ([`classify`] for
//! error answers, [`check_success`] for 2xx answers): Zoom mixes HTTP statuses and its own
//! codes, documents several forms for one situation ("role not found" is code 1034 under
//! HTTP 400, code 300, code 200 on DELETE, or a bare HTTP 404) and refuses some mutations
//! with a 2xx, so the decision takes the endpoint, the status, the code and the message
//! together. The table test at the bottom lists every form Zoom's reference documents.
//! No credential ever reaches an error: bodies of the token endpoint are reduced to
//! Zoom's `error`/`reason` fields, and transport errors lose their URL.

use std::fmt;

use serde_json::Value;

use super::stats::Operation;

/// What kind of failure an [`Error`] is. Decide on this, not on the text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The role, user or membership does not exist: code 1034 or 1001 (any status), code
    /// 300 or 200 saying "not found" on a role's endpoints, or HTTP 404 on an endpoint that
    /// names one object. [`Error::missing`] says which object.
    NotFound,
    /// A role with this name already exists (code 1224).
    NameConflict,
    /// Credentials or token rejected: code 124 (after bounded renewals, or at once with a static
    /// token), the token endpoint's `invalid_client` and 47xx answers, or a bare 401.
    Authentication,
    /// The token lacks OAuth scopes (4700 classic, 4711 granular); `scopes` lists them as
    /// Zoom named them (empty if Zoom's message could not be parsed).
    MissingScopes {
        /// The missing scopes: the one the call needs from the endpoint table
        /// ([`super::ENDPOINTS`]) in the style the code names, then any others Zoom's
        /// message lists.
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

/// Which object a [`ErrorKind::NotFound`] answer says is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Missing {
    /// The role (codes 1034, 300/200 "Role not found", HTTP 404 on a role's members).
    Role,
    /// The user (code 1001, or 1120: an invitation that expired).
    User,
    /// The role, or the user's membership in it (HTTP 404 "Role or Member not found" when
    /// unassigning).
    RoleOrMember,
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
    missing: Option<Missing>,
    operation: String,
    status: Option<u16>,
    code: Option<i64>,
    message: String,
    tracking_id: Option<String>,
    attempts: u32,
    /// The server the failure concerns.
    server: Server,
    /// The client authenticates with a ready-made token (which it cannot renew).
    static_token: bool,
    /// The `host[:port]` that could not be reached or did not answer in time, and
    /// whether it timed out.
    unreachable: Option<(String, bool)>,
    advice: Option<String>,
    /// An earlier attempt of this call was sent and its outcome is unknown (lost answer,
    /// 5xx, timeout): this answer may be about that attempt's effect.
    after_lost_answer: bool,
}

/// Which of Zoom's servers a failure concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Server {
    /// The REST API (`api_url`).
    Api,
    /// The OAuth token endpoint (`token_url`).
    Token,
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
            .field("after_lost_answer", &i.after_lost_answer)
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
    /// What a [`ErrorKind::NotFound`] error says is missing (`None` for other kinds).
    pub fn missing(&self) -> Option<Missing> {
        self.inner.missing
    }
    /// True when Zoom says the user does not exist (rather than the role).
    pub fn is_user_not_found(&self) -> bool {
        self.inner.missing == Some(Missing::User)
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
    /// The advice shown at the end of `Display`, in the client's terms.
    pub fn advice(&self) -> Option<&str> {
        self.inner.advice.as_deref()
    }
    /// The server the failure concerns: the token endpoint for token fetches, else the API.
    pub fn server(&self) -> Server {
        self.inner.server
    }
    /// True when the client authenticates with a ready-made access token.
    pub fn static_token(&self) -> bool {
        self.inner.static_token
    }
    /// The `host[:port]` of a server that could not be reached or did not answer in time.
    pub fn unreachable_host(&self) -> Option<&str> {
        self.inner.unreachable.as_ref().map(|(h, _)| h.as_str())
    }
    /// True when the server did not answer in time (rather than not being reachable).
    pub fn timed_out(&self) -> bool {
        self.inner.unreachable.as_ref().is_some_and(|(_, t)| *t)
    }
    /// True when an earlier attempt of this call was sent and its outcome is unknown (its
    /// answer was lost, or it failed with a 5xx or a timeout), so this answer may describe
    /// that attempt's effect: a "not found" or "not a member" from unassigning, say, may
    /// mean the earlier attempt removed the member. Set by the calls whose callers decide
    /// what that means ([`super::ZoomClient::unassign_member`]).
    pub fn after_lost_answer(&self) -> bool {
        self.inner.after_lost_answer
    }
    /// `Display` without the advice: what failed, how, Zoom's code and message, the HTTP
    /// status, the tracking id and the attempts.
    pub fn what_happened(&self) -> String {
        let mut bare = (*self.inner).clone();
        bare.advice = None;
        bare.to_string()
    }

    pub(crate) fn new(
        kind: ErrorKind,
        operation: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Error {
            inner: Box::new(Inner {
                kind,
                missing: None,
                operation: operation.into(),
                status: None,
                code: None,
                message: message.into(),
                tracking_id: None,
                attempts: 0,
                server: Server::Api,
                static_token: false,
                unreachable: None,
                advice: None,
                after_lost_answer: false,
            }),
        };
        e.inner.advice = default_advice(&e.inner);
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

    /// A 2xx that did not do what was asked: a refusal for lack of permission or plan.
    pub(crate) fn refused(
        operation: impl Into<String>,
        status: u16,
        detail: impl Into<String>,
    ) -> Self {
        let mut e = Error::new(ErrorKind::PermissionOrPlan, operation, detail);
        e.inner.status = Some(status);
        e
    }

    /// A transport failure (connect, timeout, reset, body cut short): transient. Names the
    /// host it was talking to (never the path or query) and, in the advice, the setting
    /// that chose it.
    pub(crate) fn transport(
        operation: impl Into<String>,
        err: &reqwest::Error,
        target: &url::Url,
        endpoint: Endpoint,
    ) -> Self {
        let what = if err.is_timeout() {
            "timed out"
        } else if err.is_connect() {
            "could not connect"
        } else if err.is_body() || err.is_decode() {
            "connection lost while reading the answer"
        } else {
            "connection failed"
        };
        let host = host_of(target);
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
        let mut e = Error::new(
            ErrorKind::Transient,
            operation,
            format!("{what} to {host} ({detail})"),
        );
        e.inner.server = server_of(endpoint);
        if err.is_connect() || err.is_timeout() {
            e.inner.advice = Some(unreachable_advice(&host, endpoint, err.is_timeout()));
            e.inner.unreachable = Some((host, err.is_timeout()));
        }
        e
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    pub(crate) fn with_operation(mut self, operation: impl Into<String>) -> Self {
        self.inner.operation = operation.into();
        self
    }

    pub(crate) fn with_lost_answer(mut self) -> Self {
        self.inner.after_lost_answer = true;
        self
    }
}

/// `host[:port]` of a URL, nothing else of it.
pub(crate) fn host_of(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or("(no host)");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

fn server_of(endpoint: Endpoint) -> Server {
    match endpoint {
        Endpoint::Api(_) | Endpoint::Master(_) => Server::Api,
        Endpoint::Token => Server::Token,
    }
}

/// What to check when a host can't be reached: the client setting that names it, and the
/// values Zoom uses.
fn unreachable_advice(host: &str, endpoint: Endpoint, timeout: bool) -> String {
    let (setting, public, gov) = match endpoint {
        Endpoint::Token => (
            "token_url",
            super::config::DEFAULT_TOKEN_URL,
            super::config::GOV_TOKEN_URL,
        ),
        Endpoint::Api(_) | Endpoint::Master(_) => (
            "api_url",
            super::config::DEFAULT_API_URL,
            super::config::GOV_API_URL,
        ),
    };
    let how = if timeout {
        "did not answer in time"
    } else {
        "could not be reached"
    };
    format!(
        "{host} {how}: check {setting}. It is {public} for Zoom accounts and {gov} for Zoom for \
         Government accounts. Also check the network, proxy and firewall between here and {host}."
    )
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

/// Which server answered, and for the REST API which operation: the same code means
/// different things on different endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// The REST API, answering this operation for the app's own account.
    Api(Operation),
    /// The REST API's Master Account form (`/accounts/{accountId}/...`), answering this
    /// operation for a sub-account.
    Master(Operation),
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
    obj.get("code").and_then(lenient_i64)?;
    parse_zoom_body(body)
}

/// The documented success of each mutation, for messages.
fn documented_success(op: Operation) -> Option<&'static str> {
    match op {
        Operation::CreateRole => Some("201 with the new role"),
        Operation::UpdateRole | Operation::DeleteRole | Operation::UnassignMember => {
            Some("204 No Content")
        }
        Operation::AssignMembers => Some("201 with the assigned ids"),
        Operation::ListRoles
        | Operation::GetRole
        | Operation::ListMembers
        | Operation::GetUser
        | Operation::ListUsers
        | Operation::ListSubAccounts => None,
    }
}

/// Decide whether a 2xx answer of `op` is its documented success. Zoom refuses some
/// mutations with HTTP 200: with a code (`{"code":200,"message":"You do not have the
/// permission to create a role."}`, `"The account must be a paid account to update the
/// role."`, `{"code":200,"message":"Role not found."}` on DELETE) or with an empty body `{}`.
/// So any 2xx carrying a Zoom code and message is classified like an error answer, and a
/// mutation's 2xx other than its documented success (201 with the role for create, 204 for
/// update, delete and unassign, 201 for assign) is a refusal. A 2xx whose body proves the
/// work was done (a role with an id, assigned `ids`) is accepted whatever its status; a
/// 201 to a create without the role is left to the caller, which looks the role up.
pub(crate) fn check_success(
    endpoint: Endpoint,
    what: &str,
    meta: &AnswerMeta,
    body: &[u8],
    auth: AuthMode,
) -> Result<(), Error> {
    let op = match endpoint {
        Endpoint::Api(op) | Endpoint::Master(op) => op,
        Endpoint::Token => return Ok(()),
    };
    if embedded_error(body).is_some() {
        return Err(from_answer(what, meta, body, endpoint, auth));
    }
    let status = meta.status;
    let obj = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.as_object().cloned());
    let has = |key: &str| {
        obj.as_ref()
            .and_then(|o| o.get(key))
            .is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
    };
    let ok = match op {
        Operation::CreateRole => status == 201 || has("id"),
        Operation::UpdateRole | Operation::DeleteRole | Operation::UnassignMember => status == 204,
        Operation::AssignMembers => status == 201 || has("ids") || has("add_at"),
        Operation::ListRoles
        | Operation::GetRole
        | Operation::ListMembers
        | Operation::GetUser
        | Operation::ListUsers
        | Operation::ListSubAccounts => true,
    };
    if ok {
        return Ok(());
    }
    let shape = if body.iter().all(u8::is_ascii_whitespace) {
        "no body".to_owned()
    } else if obj.as_ref().is_some_and(|o| o.is_empty()) {
        "an empty body {}".to_owned()
    } else {
        "a body that is not the documented answer".to_owned()
    };
    let expected = documented_success(op).unwrap_or("its documented success");
    let mut inner = Inner {
        kind: ErrorKind::PermissionOrPlan,
        missing: None,
        operation: what.to_owned(),
        status: Some(status),
        code: None,
        message: format!(
            "Zoom answered HTTP {status} with {shape} instead of {expected}: that is how Zoom \
             refuses a change the app's user may not make or the account's plan does not allow; \
             nothing was changed"
        ),
        tracking_id: meta.tracking_id.clone(),
        attempts: 1,
        server: Server::Api,
        static_token: auth == AuthMode::StaticToken,
        unreachable: None,
        advice: None,
        after_lost_answer: false,
    };
    inner.advice = default_advice(&inner);
    Err(Error {
        inner: Box::new(inner),
    })
}

/// Operations whose path names one role (the ones that can answer "role not found").
fn names_a_role(op: Operation) -> bool {
    matches!(
        op,
        Operation::GetRole
            | Operation::UpdateRole
            | Operation::DeleteRole
            | Operation::ListMembers
            | Operation::AssignMembers
            | Operation::UnassignMember
    )
}

/// A message that says something is not there ("Role not found.", "Provided `role_id`
/// does not exist.", "Role or Member not found").
fn says_not_found(message_lower: &str) -> bool {
    [
        "not found",
        "does not exist",
        "doesn't exist",
        "not exist",
        "cannot be found",
        "can't be found",
    ]
    .iter()
    .any(|p| message_lower.contains(p))
}

/// What a "not found" answer of `op` is about, from the message when it says.
fn missing_of(op: Operation, message_lower: &str) -> Missing {
    if matches!(op, Operation::GetUser | Operation::ListUsers) {
        return Missing::User;
    }
    if message_lower.contains("member") {
        return Missing::RoleOrMember;
    }
    if message_lower.contains("role") {
        return Missing::Role;
    }
    if message_lower.contains("user") {
        return Missing::User;
    }
    match op {
        Operation::UnassignMember => Missing::RoleOrMember,
        _ => Missing::Role,
    }
}

/// Classify an error answer (or a 2xx carrying a Zoom code) by endpoint, status, code and
/// message together. The code decides before the status; codes 200 and 300 mean "not
/// found" only when the message says so (300 is also every kind of bad input, 200 also
/// "no permission"). Returns the kind and, for [`ErrorKind::NotFound`], what is missing.
pub(crate) fn classify(
    status: u16,
    body: &ZoomBody,
    rate_limit_type: Option<&str>,
    endpoint: Endpoint,
) -> (ErrorKind, Option<Missing>) {
    let msg_lower = body.message.to_ascii_lowercase();
    if status == 429 || body.code == Some(429) {
        let daily = rate_limit_type.is_some_and(|t| t.eq_ignore_ascii_case("daily-limit"))
            || msg_lower.contains("daily")
            || msg_lower.contains("resume these requests");
        return (ErrorKind::RateLimited { daily }, None);
    }
    let op = match endpoint {
        Endpoint::Token => {
            let kind = match status {
                500..=599 => ErrorKind::Transient,
                _ => ErrorKind::Authentication,
            };
            return (kind, None);
        }
        Endpoint::Api(op) | Endpoint::Master(op) => op,
    };
    let form = match endpoint {
        Endpoint::Master(_) => super::endpoints::Form::Master,
        _ => super::endpoints::Form::Account,
    };
    let not_found = |m: Missing| (ErrorKind::NotFound, Some(m));
    match body.code {
        Some(124) => return (ErrorKind::Authentication, None),
        Some(code @ (4700 | 4711)) => {
            // The exact scope this call needs, from the endpoint table, in the style the
            // code names (4700 classic, 4711 granular); then any others Zoom's message lists.
            let (classic, granular) = super::endpoints::endpoint(op).scopes_of(form);
            let needed = if code == 4711 { granular } else { classic };
            let mut scopes = vec![needed.to_owned()];
            for s in parse_scopes(&body.message) {
                if !scopes.contains(&s) {
                    scopes.push(s);
                }
            }
            return (ErrorKind::MissingScopes { scopes }, None);
        }
        Some(1034) => return not_found(Missing::Role),
        Some(1001) => return not_found(Missing::User),
        // "A valid invitation to join the Zoom account was not found for this user": the
        // invited user's id is no longer valid.
        Some(1120) if op == Operation::GetUser => return not_found(Missing::User),
        Some(1224) => return (ErrorKind::NameConflict, None),
        Some(2300) => return (ErrorKind::PermissionOrPlan, None),
        // "This account does not exist or does not belong to you: {accountId}" (the Master
        // Account API, for an id that is not a sub-account of the app's account). Not a
        // missing role or user: the account setting is wrong, and nothing may be dropped
        // from state because of it.
        Some(2001) => return (ErrorKind::PermissionOrPlan, None),
        _ => {}
    }
    let about_one = names_a_role(op) || op == Operation::GetUser;
    if about_one && says_not_found(&msg_lower) && !matches!(status, 401 | 403 | 500..=599) {
        return not_found(missing_of(op, &msg_lower));
    }
    match body.code {
        Some(200) => return (ErrorKind::PermissionOrPlan, None),
        Some(300) => return (ErrorKind::Validation, None),
        _ => {}
    }
    let kind = match status {
        200..=299 => ErrorKind::PermissionOrPlan,
        401 => ErrorKind::Authentication,
        403 => ErrorKind::PermissionOrPlan,
        404 if about_one => return not_found(missing_of(op, &msg_lower)),
        // A 404 on a collection (`/roles`, `/users`) means the URL is wrong, not that
        // something is missing.
        404 => ErrorKind::InvalidResponse,
        408 => ErrorKind::Transient,
        400..=499 => ErrorKind::Validation,
        500..=599 => ErrorKind::Transient,
        _ => ErrorKind::InvalidResponse,
    };
    (kind, None)
}

/// Pull scope names out of a 4700/4711 message such as
/// `Invalid access token, does not contain scopes:[role:read:admin, role:write:admin].`
pub fn parse_scopes(message: &str) -> Vec<String> {
    let lower = message.to_ascii_lowercase();
    let Some(at) = lower.find("scope") else {
        return Vec::new();
    };
    // Skip the word itself ("scope" / "scopes"); the scopes usually follow it, but Zoom's
    // reference also writes "does not contain role:read:admin scope.".
    let rest = message[at + "scope".len()..].trim_start_matches(['s', 'S']);
    let found = scope_tokens(rest);
    if found.is_empty() {
        scope_tokens(message)
    } else {
        found
    }
}

fn scope_tokens(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split([',', ' ', '[', ']', '"', '\'']) {
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
            Endpoint::Api(_) | Endpoint::Master(_) => text_snippet(body, meta.status),
            Endpoint::Token => http_reason(meta.status).to_owned(),
        },
        oauth_error: None,
    });
    let (kind, missing) = classify(
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
        missing,
        operation: operation.to_owned(),
        status: Some(meta.status),
        code: parsed.code,
        message,
        tracking_id: meta.tracking_id.clone(),
        attempts: 1,
        server: server_of(endpoint),
        static_token: auth == AuthMode::StaticToken,
        unreachable: None,
        advice: None,
        after_lost_answer: false,
    };
    inner.advice = default_advice(&inner);
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

/// Advice in the client's own terms: its configuration fields (`api_url`, `token_url`,
/// `rate_limits`, `retry_budget`, the credentials of [`super::Auth`]) and Zoom's.
fn default_advice(e: &Inner) -> Option<String> {
    let s = match &e.kind {
        ErrorKind::NotFound => match e.missing {
            Some(Missing::User) => "Check the user's id or email: the user must exist in this Zoom account.".to_owned(),
            Some(Missing::RoleOrMember) => "The role does not exist in Zoom, or the user no longer holds it; it may \
                 have been changed meanwhile."
                .to_owned(),
            _ => "The object does not exist in Zoom; it may have been deleted meanwhile.".to_owned(),
        },
        ErrorKind::NameConflict => {
            "Another role already has this name: choose another name, or use the existing role.".to_owned()
        }
        ErrorKind::Authentication => match (e.server, e.static_token) {
            (Server::Token, _) => "Zoom rejected the app's credentials: check client_id, client_secret and \
                 account_id against the Server-to-Server OAuth app in the Zoom App Marketplace, and that the app \
                 is activated."
                .to_owned(),
            (_, true) => "The access token is invalid or expired: supply a fresh access_token, or use \
                 client_id, client_secret and account_id so the client fetches and renews tokens itself."
                .to_owned(),
            (_, false) => "Zoom rejected freshly fetched access tokens: check that client_id, client_secret \
                 and account_id belong to one activated Server-to-Server OAuth app. If other clients use the \
                 same app, Zoom may end a token when it issues a new one: the client renews its token each \
                 time, but a client taking new tokens continuously can still win."
                .to_owned(),
        },
        ErrorKind::MissingScopes { scopes } => {
            let list = if scopes.is_empty() {
                "the scopes named above".to_owned()
            } else {
                scopes.join(", ")
            };
            let master = scopes.iter().any(|s| s.ends_with(":master"));
            let (style, all) = match (e.code == Some(4711), master) {
                (true, false) => ("granular scopes", super::endpoints::granular_scopes()),
                (false, false) => ("classic scopes", super::endpoints::classic_scopes()),
                (true, true) => (
                    "granular scopes, for sub-accounts",
                    super::endpoints::master_granular_scopes(),
                ),
                (false, true) => (
                    "classic scopes, for sub-accounts",
                    super::endpoints::master_classic_scopes(),
                ),
            };
            format!(
                "Add {list} to the app's scopes in the Zoom App Marketplace (everything the client can \
                 need on an app with {style}: {}). A token keeps the scopes it was issued with, so a NEW \
                 token is needed after adding them (a static access_token must be generated again).",
                all.join(", ")
            )
        }
        ErrorKind::PermissionOrPlan => match e.code {
            Some(2001) => "Zoom's Master Account API answers only for sub-accounts of the app's own account: \
                 check the sub-account's id (Zoom's admin pages list them under Account Management > Sub \
                 Accounts), and that the app's account is a master account with the \"Manage the \
                 subaccount\" privilege."
                .to_owned(),
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
             retries may take: lower rate_limits (the account's limits are shared by all its apps), or \
             raise retry_budget."
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
            Endpoint::Api(Operation::AssignMembers),
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
                Endpoint::Api(Operation::AssignMembers),
                NotFound,
            ),
            (
                404,
                r#"{"code":1034,"message":"Role does not exist."}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                NotFound,
            ),
            (
                200,
                r#"{"code":1034,"message":"Role does not exist."}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                NotFound,
            ),
            (
                404,
                r#"{"code":1001,"message":"User does not exist: a@b.c"}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                NotFound,
            ),
            (
                400,
                r#"{"code":"1001","message":"User does not exist"}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                NotFound,
            ),
            (
                404,
                "",
                None,
                Endpoint::Api(Operation::AssignMembers),
                NotFound,
            ),
            (
                404,
                "<html>nope</html>",
                None,
                Endpoint::Api(Operation::AssignMembers),
                NotFound,
            ),
            (
                409,
                r#"{"code":1224,"message":"Role name already used"}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                NameConflict,
            ),
            (
                400,
                r#"{"code":1224,"message":"Role name already used"}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                NameConflict,
            ),
            (
                401,
                r#"{"code":124,"message":"Invalid access token."}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                Authentication,
            ),
            (
                400,
                r#"{"code":124,"message":"Access token is expired."}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                Authentication,
            ),
            (
                401,
                "",
                None,
                Endpoint::Api(Operation::AssignMembers),
                Authentication,
            ),
            (
                400,
                r#"{"code":4711,"message":"Invalid access token, does not contain scopes:[role:read:admin, role:write:admin]."}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                MissingScopes {
                    scopes: vec![
                        "role:write:member:admin".into(),
                        "role:read:admin".into(),
                        "role:write:admin".into(),
                    ],
                },
            ),
            (
                401,
                r#"{"code":4700,"message":"Invalid access token, does not contain scopes: user:read:admin"}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                MissingScopes {
                    scopes: vec!["role:write:admin".into(), "user:read:admin".into()],
                },
            ),
            (
                200,
                r#"{"code":200,"message":"No permission."}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                PermissionOrPlan,
            ),
            (
                200,
                r#"{"code":200,"message":"Only available for paid account."}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                PermissionOrPlan,
            ),
            (
                201,
                r#"{"code":200,"message":"No permission."}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                PermissionOrPlan,
            ),
            (
                400,
                r#"{"code":2300,"message":"This API endpoint is not recognized."}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                PermissionOrPlan,
            ),
            (
                404,
                r#"{"code":2300,"message":"This API endpoint is not recognized."}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                PermissionOrPlan,
            ),
            (
                403,
                r#"{"code":1,"message":"Forbidden"}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                PermissionOrPlan,
            ),
            (
                400,
                r#"{"code":300,"message":"Can't delete or add members for Normal/Owner roles"}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                Validation,
            ),
            (
                404,
                r#"{"code":300,"message":"RoleId required"}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                Validation,
            ),
            (
                400,
                r#"{"code":5000,"message":"whatever"}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                Validation,
            ),
            (
                422,
                "not json",
                None,
                Endpoint::Api(Operation::AssignMembers),
                Validation,
            ),
            (
                429,
                r#"{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}"#,
                Some("QPS"),
                Endpoint::Api(Operation::AssignMembers),
                RateLimited { daily: false },
            ),
            (
                429,
                "",
                None,
                Endpoint::Api(Operation::AssignMembers),
                RateLimited { daily: false },
            ),
            (
                429,
                "",
                Some("Daily-limit"),
                Endpoint::Api(Operation::AssignMembers),
                RateLimited { daily: true },
            ),
            (
                429,
                r#"{"code":429,"message":"You have reached the maximum daily rate limit for this API. You may resume these requests at GMT 00:00:00."}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                RateLimited { daily: true },
            ),
            (
                500,
                "",
                None,
                Endpoint::Api(Operation::AssignMembers),
                Transient,
            ),
            (
                502,
                "<html>Bad gateway</html>",
                None,
                Endpoint::Api(Operation::AssignMembers),
                Transient,
            ),
            (
                503,
                r#"{"code":5001,"message":"busy"}"#,
                None,
                Endpoint::Api(Operation::AssignMembers),
                Transient,
            ),
            (
                408,
                "",
                None,
                Endpoint::Api(Operation::AssignMembers),
                Transient,
            ),
            (
                302,
                "",
                None,
                Endpoint::Api(Operation::AssignMembers),
                InvalidResponse,
            ),
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

    /// Every answer Zoom's API reference (its OpenAPI description of `/roles`,
    /// `/roles/{roleId}`, `/roles/{roleId}/members`, `/users/{userId}`) documents besides
    /// the success, plus the forms clients have met (empty `{}` refusals, bare 404s), each
    /// with the kind and missing object the client must read from it. Error answers go
    /// through `from_answer`, 2xx answers through `check_success`, as in the request loop.
    #[test]
    fn every_documented_answer_form() {
        use ErrorKind::*;
        use Operation::*;
        let nf = |m| (NotFound, Some(m));
        let k = |k: ErrorKind| (k, None);
        type Want = (ErrorKind, Option<Missing>);
        let cases: Vec<(Operation, u16, &str, Want)> = vec![
            // GET /roles
            (
                ListRoles,
                400,
                r#"{"code":4700,"message":"Invalid access token, does not contain role:read:admin scope."}"#,
                k(MissingScopes {
                    scopes: vec!["role:read:admin".into()],
                }),
            ),
            (ListRoles, 404, "", k(InvalidResponse)),
            // POST /roles
            (
                CreateRole,
                200,
                r#"{"code":200,"message":"You do not have the permission to create a role."}"#,
                k(PermissionOrPlan),
            ),
            (CreateRole, 200, "{}", k(PermissionOrPlan)),
            (CreateRole, 200, "", k(PermissionOrPlan)),
            (
                CreateRole,
                400,
                r#"{"code":300,"message":"The name field cannot be empty."}"#,
                k(Validation),
            ),
            (
                CreateRole,
                300,
                r#"{"code":300,"message":"The name field cannot be empty."}"#,
                k(Validation),
            ),
            (
                CreateRole,
                400,
                r#"{"code":1224,"message":"Role name \"Auditors\" has already been used."}"#,
                k(NameConflict),
            ),
            // GET /roles/{roleId}
            (
                GetRole,
                200,
                r#"{"code":200,"message":"You do not have the permission to retrieve role information."}"#,
                k(PermissionOrPlan),
            ),
            (
                GetRole,
                400,
                r#"{"code":300,"message":"Role not found."}"#,
                nf(Missing::Role),
            ),
            (
                GetRole,
                404,
                r#"{"code":300,"message":"Role not found."}"#,
                nf(Missing::Role),
            ),
            (
                GetRole,
                200,
                r#"{"code":300,"message":"Role not found."}"#,
                nf(Missing::Role),
            ),
            (
                GetRole,
                400,
                r#"{"code":1034,"message":"Provided `role_id` does not exist."}"#,
                nf(Missing::Role),
            ),
            (GetRole, 404, "", nf(Missing::Role)),
            (
                GetRole,
                400,
                r#"{"code":300,"message":"Invalid field: role_id."}"#,
                k(Validation),
            ),
            // PATCH /roles/{roleId}
            (
                UpdateRole,
                200,
                r#"{"code":200,"message":"The account must be a paid account to update the role."}"#,
                k(PermissionOrPlan),
            ),
            (UpdateRole, 200, "{}", k(PermissionOrPlan)),
            (UpdateRole, 200, "", k(PermissionOrPlan)),
            (
                UpdateRole,
                400,
                r#"{"code":300,"message":"This role cannot be updated."}"#,
                k(Validation),
            ),
            (
                UpdateRole,
                400,
                r#"{"code":1224,"message":"Role name \"Auditors\" has already been used."}"#,
                k(NameConflict),
            ),
            (
                UpdateRole,
                400,
                r#"{"code":1034,"message":"Provided `role_id` does not exist."}"#,
                nf(Missing::Role),
            ),
            (
                UpdateRole,
                400,
                r#"{"code":300,"message":"Role not found."}"#,
                nf(Missing::Role),
            ),
            // DELETE /roles/{roleId}
            (
                DeleteRole,
                200,
                r#"{"code":200,"message":"Role not found."}"#,
                nf(Missing::Role),
            ),
            (
                DeleteRole,
                400,
                r#"{"code":200,"message":"Role not found."}"#,
                nf(Missing::Role),
            ),
            (
                DeleteRole,
                400,
                r#"{"code":300,"message":"Role not found."}"#,
                nf(Missing::Role),
            ),
            (
                DeleteRole,
                400,
                r#"{"code":1034,"message":"Provided `role_id` does not exist."}"#,
                nf(Missing::Role),
            ),
            (
                DeleteRole,
                200,
                r#"{"code":200,"message":"Only available for paid account."}"#,
                k(PermissionOrPlan),
            ),
            (DeleteRole, 200, "{}", k(PermissionOrPlan)),
            (
                DeleteRole,
                400,
                r#"{"code":300,"message":"System roles cannot be deleted."}"#,
                k(Validation),
            ),
            // GET /roles/{roleId}/members
            (
                ListMembers,
                400,
                r#"{"code":1034,"message":"Provided `role_id` does not exist."}"#,
                nf(Missing::Role),
            ),
            (ListMembers, 404, "Role not found", nf(Missing::Role)),
            (
                ListMembers,
                404,
                r#"{"message":"Role not found"}"#,
                nf(Missing::Role),
            ),
            (ListMembers, 404, "", nf(Missing::Role)),
            (
                ListMembers,
                400,
                r#"{"code":300,"message":"Invalid next_page_token, or the token has expired."}"#,
                k(Validation),
            ),
            // POST /roles/{roleId}/members
            (
                AssignMembers,
                400,
                r#"{"code":1034,"message":"Provided `role_id` does not exist."}"#,
                nf(Missing::Role),
            ),
            (
                AssignMembers,
                400,
                r#"{"code":300,"message":"RoleId required."}"#,
                k(Validation),
            ),
            (
                AssignMembers,
                400,
                r#"{"code":300,"message":"Can't delete or add members for Normal/Owner roles."}"#,
                k(Validation),
            ),
            (
                AssignMembers,
                404,
                r#"{"code":1001,"message":"User does not exist: a@b.c."}"#,
                nf(Missing::User),
            ),
            (
                AssignMembers,
                400,
                r#"{"code":300,"message":"Role not found."}"#,
                nf(Missing::Role),
            ),
            (AssignMembers, 200, "{}", k(PermissionOrPlan)),
            (
                AssignMembers,
                200,
                r#"{"code":200,"message":"Only available for paid account."}"#,
                k(PermissionOrPlan),
            ),
            // DELETE /roles/{roleId}/members/{memberId}
            (
                UnassignMember,
                400,
                r#"{"code":1034,"message":"Provided `role_id` does not exist."}"#,
                nf(Missing::Role),
            ),
            (
                UnassignMember,
                404,
                r#"{"message":"Role or Member not found"}"#,
                nf(Missing::RoleOrMember),
            ),
            (
                UnassignMember,
                404,
                "Role or Member not found",
                nf(Missing::RoleOrMember),
            ),
            (UnassignMember, 404, "", nf(Missing::RoleOrMember)),
            (
                UnassignMember,
                400,
                r#"{"code":300,"message":"Can't delete or add members for Normal/Owner roles."}"#,
                k(Validation),
            ),
            (UnassignMember, 200, "{}", k(PermissionOrPlan)),
            // GET /users/{userId}
            (
                GetUser,
                404,
                r#"{"code":1001,"message":"User does not exist: u1."}"#,
                nf(Missing::User),
            ),
            (
                GetUser,
                400,
                r#"{"code":1120,"message":"A valid invitation to join the Zoom account was not found for this user."}"#,
                nf(Missing::User),
            ),
            (GetUser, 404, "", nf(Missing::User)),
            // GET /users
            (
                ListUsers,
                400,
                r#"{"code":4711,"message":"Invalid access token, does not contain scopes:[user:read:list_users:admin]."}"#,
                k(MissingScopes {
                    scopes: vec!["user:read:list_users:admin".into()],
                }),
            ),
            (ListUsers, 404, "", k(InvalidResponse)),
            // any endpoint: an unrecognised path is never "not found"
            (
                GetRole,
                404,
                r#"{"code":2300,"message":"This API endpoint is not recognized."}"#,
                k(PermissionOrPlan),
            ),
            (
                UnassignMember,
                401,
                r#"{"code":124,"message":"Invalid access token."}"#,
                k(Authentication),
            ),
        ];
        for (op, status, body, (kind, missing)) in cases {
            let meta = AnswerMeta {
                status,
                tracking_id: None,
                rate_limit_type: None,
            };
            let what = format!("{} (HTTP {status} {body})", op.name());
            let e = if (200..300).contains(&status) {
                check_success(
                    Endpoint::Api(op),
                    &what,
                    &meta,
                    body.as_bytes(),
                    AuthMode::ClientCredentials,
                )
                .expect_err(&what)
            } else {
                from_answer(
                    &what,
                    &meta,
                    body.as_bytes(),
                    Endpoint::Api(op),
                    AuthMode::ClientCredentials,
                )
            };
            assert_eq!((e.kind(), e.missing()), (&kind, missing), "{what}");
            assert_eq!(e.http_status(), Some(status), "{what}");
        }
    }

    #[test]
    fn master_answers_name_master_scopes_and_2001_the_account() {
        let meta = AnswerMeta {
            status: 400,
            tracking_id: None,
            rate_limit_type: None,
        };
        let e = from_answer(
            "list roles",
            &meta,
            br#"{"code":4711,"message":"Invalid access token, does not contain scopes:[role:read:list_roles:master]."}"#,
            Endpoint::Master(Operation::ListRoles),
            AuthMode::ClientCredentials,
        );
        assert_eq!(e.missing_scopes(), ["role:read:list_roles:master"]);
        let t = e.to_string();
        assert!(t.contains("role:write:member:master"), "{t}");
        let e = from_answer(
            "list roles",
            &meta,
            br#"{"code":2001,"message":"This account does not exist or does not belong to you: nope."}"#,
            Endpoint::Master(Operation::ListRoles),
            AuthMode::ClientCredentials,
        );
        assert_eq!(e.kind(), &ErrorKind::PermissionOrPlan);
        assert!(!e.is_not_found());
        assert!(e.to_string().contains("Sub Accounts"), "{e}");
        // Zoom gives 2001 without its HTTP status. Under 404 on the endpoints where a bare
        // 404 means "gone" (a role's members, one role, one user) it is still the account
        // setting, never a missing object that refresh would drop from state.
        for op in [
            Operation::ListMembers,
            Operation::GetRole,
            Operation::GetUser,
        ] {
            for status in [400, 404] {
                let e = from_answer(
                    "read",
                    &AnswerMeta {
                        status,
                        tracking_id: None,
                        rate_limit_type: None,
                    },
                    br#"{"code":2001,"message":"This account does not exist or does not belong to you: nope."}"#,
                    Endpoint::Master(op),
                    AuthMode::ClientCredentials,
                );
                assert_eq!(e.kind(), &ErrorKind::PermissionOrPlan, "{op:?} {status}");
                assert!(!e.is_not_found(), "{op:?} {status}");
            }
        }
    }

    #[test]
    fn documented_successes_are_accepted() {
        use Operation::*;
        #[rustfmt::skip]
        let cases: Vec<(Operation, u16, &str)> = vec![
            (CreateRole, 201, r#"{"id":"r1","name":"A","privileges":[]}"#),
            (CreateRole, 201, ""),
            (CreateRole, 201, "{}"),
            (CreateRole, 200, r#"{"id":"r1","name":"A"}"#),
            (UpdateRole, 204, ""),
            (DeleteRole, 204, ""),
            (UnassignMember, 204, ""),
            (AssignMembers, 201, r#"{"add_at":"2024-01-01T00:00:00Z","ids":"u1,u2"}"#),
            (AssignMembers, 201, ""),
            (AssignMembers, 200, r#"{"ids":"u1"}"#),
            (GetRole, 200, r#"{"id":"1","name":"Admin"}"#),
            (ListRoles, 200, r#"{"total_records":0,"roles":[]}"#),
            (ListMembers, 200, r#"{"members":[]}"#),
            (GetUser, 200, r#"{"id":"u1","email":"a@b.c"}"#),
            (ListUsers, 200, r#"{"users":[]}"#),
        ];
        for (op, status, body) in cases {
            let meta = AnswerMeta {
                status,
                tracking_id: None,
                rate_limit_type: None,
            };
            let r = check_success(
                Endpoint::Api(op),
                "x",
                &meta,
                body.as_bytes(),
                AuthMode::ClientCredentials,
            );
            assert!(r.is_ok(), "{} {status} {body}: {r:?}", op.name());
        }
    }

    #[test]
    fn an_empty_refusal_says_permission_or_plan_and_nothing_changed() {
        let meta = AnswerMeta {
            status: 200,
            tracking_id: Some("rid".into()),
            rate_limit_type: None,
        };
        let e = check_success(
            Endpoint::Api(Operation::UpdateRole),
            "update role r1",
            &meta,
            b"{}",
            AuthMode::ClientCredentials,
        )
        .unwrap_err();
        let t = e.to_string();
        assert!(
            t.starts_with("update role r1 failed: refused for lack of permission or plan"),
            "{t}"
        );
        assert!(
            t.contains("HTTP 200 with an empty body {} instead of 204 No Content"),
            "{t}"
        );
        assert!(
            t.contains("nothing was changed") && t.contains("paid (Pro or higher)"),
            "{t}"
        );
        assert!(!t.contains("no id"), "{t}");
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
        assert!(e.to_string().contains("deleted meanwhile"), "{e}");

        let e = api(400, r#"{"code":1224,"message":"Role name already used"}"#);
        assert!(
            e.to_string()
                .contains("name already in use: Zoom code 1224"),
            "{e}"
        );
        assert!(e.to_string().contains("use the existing role"), "{e}");

        let e = api(
            400,
            r#"{"code":4711,"message":"Invalid access token, does not contain scopes:[role:read:admin, role:write:admin]."}"#,
        );
        let t = e.to_string();
        assert!(t.contains("lacks OAuth scopes: Zoom code 4711"), "{t}");
        assert!(
            t.contains(
                "Add role:write:member:admin, role:read:admin, role:write:admin to the app's scopes"
            ),
            "{t}"
        );
        assert!(t.contains("a NEW token is needed"), "{t}");
        assert!(
            t.contains(
                "on an app with granular scopes: role:read:list_roles:admin, role:write:role:admin"
            ),
            "{t}"
        );
        assert_eq!(
            e.missing_scopes(),
            &[
                "role:write:member:admin".to_owned(),
                "role:read:admin".to_owned(),
                "role:write:admin".to_owned()
            ]
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
            Endpoint::Api(Operation::AssignMembers),
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
            t.contains("lower rate_limits") && t.contains("raise retry_budget"),
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
            Endpoint::Api(Operation::AssignMembers),
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
    fn the_client_advises_in_its_own_terms_only() {
        // Terraform's words and the provider's settings belong to the provider's
        // diagnostics (src/provider/errors.rs), never to the client.
        let src = include_str!("error.rs");
        for function in ["fn default_advice", "fn unreachable_advice"] {
            let body = &src[src.find(function).expect(function)..];
            let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
            for word in [
                "Terraform",
                "import",
                "ZOOM_",
                "rate_limit_",
                "retry_timeout",
                "zoom_for_government",
                "provider",
            ] {
                assert!(!body.contains(word), "{function} says {word:?}");
            }
        }
    }

    #[test]
    fn debug_has_no_advice_noise_and_no_secrets() {
        let e = api(401, r#"{"code":124,"message":"Invalid access token."}"#);
        let d = format!("{e:?}");
        assert!(d.contains("Authentication") && d.contains("124"), "{d}");
    }
}
