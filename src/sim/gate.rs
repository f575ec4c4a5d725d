//! What happens to a request before and after its handler: the route table (rate-limit
//! category and scopes per route), bearer-token and scope checks, rate limits, injected
//! faults (latency, 5xx, 429, dropped connections), the unpaid-account switch, the
//! `x-zm-trackingid` header, and stats/log accounting.
//!
//! Order for `/v2` routes: latency, token (124), scopes (4700/4711), scripted fault,
//! daily limit, per-second limit, random 429, random 5xx, unpaid account, a hold (the
//! request waits until released, see `hold`), handler, then a scripted or random
//! connection drop (after the handler, so the change has been made).

use std::time::{Duration, Instant, SystemTime};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::config::RetryAfterForm;
use super::error::ApiError;
use super::hold;
use super::net::ConnHandle;
use super::state::{App, Category, FaultKind, Sim};
use super::stats::LogEntry;

/// Route key of the token endpoint.
pub const TOKEN_ROUTE: &str = "POST /oauth/token";

/// What a `/v2` route needs.
pub(crate) struct RouteInfo {
    pub category: Category,
    pub classic_scope: &'static str,
    pub granular_scope: &'static str,
    /// Refused on unpaid accounts.
    pub mutation: bool,
}

/// The route table: the client's endpoint table ([`crate::zoom::ENDPOINTS`]), so the
/// simulator checks exactly the categories and scopes the client and the documentation
/// name. `template` is the axum route path without `/v2`.
pub(crate) fn route_info(method: &Method, template: &str) -> Option<RouteInfo> {
    let (row, form) = crate::zoom::route_for(method.as_str(), template)?;
    let (classic_scope, granular_scope) = row.scopes_of(form);
    let category = match row.category {
        crate::zoom::Category::Light => Category::Light,
        crate::zoom::Category::Medium => Category::Medium,
        // No endpoint the client calls is Heavy; count it with Medium if one ever is.
        crate::zoom::Category::Heavy => Category::Medium,
    };
    Some(RouteInfo {
        category,
        classic_scope,
        granular_scope,
        mutation: method != Method::GET,
    })
}

/// The route template (without `/v2`) a path matches, mirroring the router. Segments
/// must be non-empty, as in axum.
pub(crate) fn template_of(path: &str) -> Option<&'static str> {
    if path == "/oauth/token" {
        return Some("/oauth/token");
    }
    let rest = path.strip_prefix("/v2/")?;
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    match segments.as_slice() {
        ["accounts"] => Some("/accounts"),
        ["accounts", _, "roles"] => Some("/accounts/{accountId}/roles"),
        ["accounts", _, "roles", _] => Some("/accounts/{accountId}/roles/{roleId}"),
        ["accounts", _, "roles", _, "members"] => {
            Some("/accounts/{accountId}/roles/{roleId}/members")
        }
        ["accounts", _, "roles", _, "members", _] => {
            Some("/accounts/{accountId}/roles/{roleId}/members/{memberId}")
        }
        ["accounts", _, "users"] => Some("/accounts/{accountId}/users"),
        ["accounts", _, "users", _] => Some("/accounts/{accountId}/users/{userId}"),
        ["roles"] => Some("/roles"),
        ["roles", _] => Some("/roles/{roleId}"),
        ["roles", _, "members"] => Some("/roles/{roleId}/members"),
        ["roles", _, "members", _] => Some("/roles/{roleId}/members/{memberId}"),
        ["users"] => Some("/users"),
        ["users", _] => Some("/users/{userId}"),
        _ => None,
    }
}

/// The tracking id of the current request, set by [`track`].
#[derive(Clone, Debug)]
pub(crate) struct TrackingId(pub String);

/// Outermost layer: give every request a tracking id and every answer the header.
pub(crate) async fn track(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let id = app.lock().next_tracking_id();
    req.extensions_mut().insert(TrackingId(id.clone()));
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-zm-trackingid", value);
    }
    response
}

/// What the gate decided before the handler.
enum Verdict {
    /// Run the handler; drop the connection afterwards if true.
    Proceed { drop_after: bool },
    /// Answer this instead of running the handler.
    Answer(Response),
}

/// Layer over the `/v2` routes and the token endpoint.
pub(crate) async fn gate(State(app): State<App>, req: Request, next: Next) -> Response {
    let now = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let template = template_of(&path);
    let route = match template {
        Some(t) => format!("{method} {t}"),
        None => format!("{method} (unmatched)"),
    };
    let conn = req
        .extensions()
        .get::<ConnectInfo<ConnHandle>>()
        .map(|c| c.0.clone());
    let tracking_id = req
        .extensions()
        .get::<TrackingId>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let bearer = bearer_token(req.headers());

    // Latency first, as the network's: the request is judged (token, limits, faults)
    // when it arrives, so a token ended while the request travelled is rejected, as at Zoom.
    let latency = {
        let mut sim = app.lock();
        let (lo, hi) = (sim.switches.latency_min_ms, sim.switches.latency_max_ms);
        Duration::from_millis(sim.pick(lo, hi))
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let now = if latency.is_zero() {
        now
    } else {
        Instant::now()
    };
    let verdict = decide(&mut app.lock(), &method, template, &route, bearer, now);
    let (response, dropped) = match verdict {
        Verdict::Proceed { drop_after } => {
            hold::wait_if_held(&app, &route, query.as_deref()).await;
            (next.run(req).await, drop_after)
        }
        Verdict::Answer(response) => (response, false),
    };

    let status = response.status().as_u16();
    {
        let mut sim = app.lock();
        sim.stats.record(&route, status, dropped);
        let at_ms = u64::try_from(sim.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        sim.log.push(LogEntry {
            seq: 0,
            method: method.to_string(),
            route: route.clone(),
            path,
            query,
            status,
            dropped,
            tracking_id,
            at_ms,
        });
    }
    tracing::debug!(%route, status, dropped, "request");
    if dropped {
        if let Some(conn) = conn {
            conn.kill();
        }
    }
    response
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn decide(
    sim: &mut Sim,
    method: &Method,
    template: Option<&str>,
    route: &str,
    bearer: Option<&str>,
    now: Instant,
) -> Verdict {
    if route == TOKEN_ROUTE {
        return match injected_fault(sim, route, false, Category::Light) {
            Some(r) => Verdict::Answer(r),
            None => Verdict::Proceed {
                drop_after: drop_now(sim, route, false),
            },
        };
    }
    let Some(info) = template.and_then(|t| route_info(method, t)) else {
        let status = if template.is_some() {
            StatusCode::METHOD_NOT_ALLOWED
        } else {
            StatusCode::NOT_FOUND
        };
        return Verdict::Answer(ApiError::unknown_endpoint(status).into_response());
    };

    let scopes = match sim.check_token(bearer, now) {
        Ok(scopes) => scopes,
        Err(e) => return Verdict::Answer(e.into_response()),
    };
    if let Some(e) = missing_scope(sim, scopes.as_deref(), &info) {
        return Verdict::Answer(e.into_response());
    }
    if let Some(r) = injected_fault(sim, route, true, info.category) {
        return Verdict::Answer(r);
    }
    if sim.hit_daily(time::OffsetDateTime::now_utc().date()) {
        let limit = sim.switches.daily_limit.unwrap_or(0);
        return Verdict::Answer(daily_limited(
            info.category,
            limit,
            sim.switches.retry_after,
        ));
    }
    if let Some((limit, wait)) = sim.hit_qps(info.category, now) {
        return Verdict::Answer(qps_limited(
            info.category,
            limit,
            wait,
            sim.switches.retry_after,
        ));
    }
    if info.mutation && sim.switches.unpaid {
        let refusal = match sim.switches.refusal_body {
            super::config::RefusalBody::Coded => ApiError::unpaid(route).into_response(),
            super::config::RefusalBody::Empty => (StatusCode::OK, Json(json!({}))).into_response(),
        };
        return Verdict::Answer(refusal);
    }
    Verdict::Proceed {
        drop_after: drop_now(sim, route, true),
    }
}

/// Scripted faults first, then the random 429 and 5xx rates.
fn injected_fault(
    sim: &mut Sim,
    route: &str,
    is_api: bool,
    category: Category,
) -> Option<Response> {
    let form = sim.switches.retry_after;
    // A scripted drop is consumed after the handler, in `drop_now`.
    match sim.take_scripted(route, is_api, |k| k != FaultKind::Drop) {
        Some(FaultKind::Error) => return Some(server_error(StatusCode::INTERNAL_SERVER_ERROR)),
        Some(FaultKind::RateLimit) => {
            return Some(qps_limited(category, 0, Duration::from_secs(1), form))
        }
        Some(FaultKind::DailyLimit) => return Some(daily_limited(category, 0, form)),
        Some(FaultKind::InvalidToken) => return Some(ApiError::invalid_token().into_response()),
        Some(FaultKind::Drop) | None => {}
    }
    if !sim.faults_apply(route, is_api) {
        return None;
    }
    let rate_limit_rate = sim.switches.rate_limit_rate;
    if sim.chance(rate_limit_rate) {
        let limit = match category {
            Category::Light => sim.switches.rate_limits.light,
            Category::Medium => sim.switches.rate_limits.medium,
        };
        return Some(qps_limited(
            category,
            limit.unwrap_or(0),
            Duration::from_secs(1),
            form,
        ));
    }
    let error_rate = sim.switches.error_rate;
    if sim.chance(error_rate) {
        let status = match sim.pick(0, 2) {
            0 => StatusCode::INTERNAL_SERVER_ERROR,
            1 => StatusCode::BAD_GATEWAY,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        };
        return Some(server_error(status));
    }
    None
}

/// Should the connection be dropped after the handler ran?
fn drop_now(sim: &mut Sim, route: &str, is_api: bool) -> bool {
    if sim
        .take_scripted(route, is_api, |k| k == FaultKind::Drop)
        .is_some()
    {
        return true;
    }
    let rate = sim.switches.drop_rate;
    sim.faults_apply(route, is_api) && sim.chance(rate)
}

fn missing_scope(sim: &Sim, granted: Option<&[String]>, info: &RouteInfo) -> Option<ApiError> {
    let granted = granted?;
    if granted
        .iter()
        .any(|s| s == info.classic_scope || s == info.granular_scope)
    {
        return None;
    }
    use super::config::ScopeStyle;
    let granular = match sim.switches.scope_style {
        ScopeStyle::Classic => false,
        ScopeStyle::Granular => true,
        ScopeStyle::Auto => granted.iter().any(|s| s.split(':').count() >= 4),
    };
    let (code, scope) = if granular {
        (4711, info.granular_scope)
    } else {
        (4700, info.classic_scope)
    };
    Some(ApiError::new(
        StatusCode::BAD_REQUEST,
        code,
        format!("Invalid access token, does not contain scopes:[{scope}]."),
    ))
}

fn server_error(status: StatusCode) -> Response {
    let message = status.canonical_reason().unwrap_or("Internal Error");
    (
        status,
        Json(json!({"code": status.as_u16(), "message": message})),
    )
        .into_response()
}

fn retry_after_value(form: RetryAfterForm, wait: Duration) -> Option<String> {
    // Round up: a client that waits exactly this long must find the window reset.
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    match form {
        RetryAfterForm::Seconds => Some(secs.to_string()),
        RetryAfterForm::HttpDate => Some(httpdate::fmt_http_date(
            SystemTime::now() + Duration::from_secs(secs),
        )),
        RetryAfterForm::Omit => None,
    }
}

fn limited(
    category: Category,
    kind: &str,
    limit: u64,
    wait: Duration,
    form: RetryAfterForm,
    message: &str,
) -> Response {
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        Json(json!({"code": 429, "message": message})),
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        "x-ratelimit-category",
        HeaderValue::from_static(category.header_value()),
    );
    headers.insert(
        "x-ratelimit-type",
        HeaderValue::from_str(kind).unwrap_or(HeaderValue::from_static("QPS")),
    );
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(0u32));
    if let Some(value) = retry_after_value(form, wait) {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(header::RETRY_AFTER, value);
        }
    }
    response
}

fn qps_limited(category: Category, limit: u32, wait: Duration, form: RetryAfterForm) -> Response {
    limited(
        category,
        "QPS",
        u64::from(limit),
        wait,
        form,
        "You have reached the maximum per-second rate limit for this API. Try again later.",
    )
}

fn daily_limited(category: Category, limit: u64, form: RetryAfterForm) -> Response {
    let now = time::OffsetDateTime::now_utc();
    let since_midnight =
        u64::from(now.hour()) * 3600 + u64::from(now.minute()) * 60 + u64::from(now.second());
    let wait = Duration::from_secs(86_400 - since_midnight);
    limited(
        category,
        "Daily-limit",
        limit,
        wait,
        form,
        "You have reached the maximum daily rate limit for this API. You may resume these requests at GMT 00:00:00.",
    )
}
