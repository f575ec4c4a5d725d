//! `POST /oauth/token`: Zoom's server-to-server OAuth (`grant_type=account_credentials`).
//!
//! Parameters come from the query string or a form body; client credentials from
//! `Authorization: Basic base64(client_id:client_secret)`. Errors use Zoom's OAuth shape
//! `{"error","reason"}` with HTTP 400. Secrets are never logged.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::json;

use super::state::App;

fn oauth_error(error: &str, reason: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": error, "reason": reason})),
    )
        .into_response()
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// Look a parameter up in the query string first, then in the form body.
fn param(query: Option<&str>, body: &[u8], name: &str) -> Option<String> {
    let from = |bytes: &[u8]| {
        url::form_urlencoded::parse(bytes)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    query
        .and_then(|q| from(q.as_bytes()))
        .or_else(|| from(body))
        .filter(|v| !v.is_empty())
}

pub(crate) async fn token(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let query = query.as_deref();
    let Some(grant_type) = param(query, &body, "grant_type") else {
        return oauth_error("invalid_request", "Missing grant type");
    };
    if grant_type != "account_credentials" {
        return oauth_error("unsupported_grant_type", "Unsupported grant type");
    }
    let Some((client_id, client_secret)) = basic_credentials(&headers) else {
        return oauth_error("invalid_request", "Missing client_id or client_secret");
    };
    let mut sim = app.lock();
    if client_id != sim.creds.client_id || client_secret != sim.creds.client_secret {
        return oauth_error("invalid_client", "Invalid client_id or client_secret");
    }
    let Some(account_id) = param(query, &body, "account_id") else {
        return oauth_error("invalid_request", "Missing account_id");
    };
    if account_id != sim.creds.account_id {
        return oauth_error("invalid_request", "Invalid account_id");
    }
    let issued = sim.issue_token(Instant::now());
    let scope = match &issued.scopes {
        Some(scopes) => scopes.join(" "),
        // Every scope granted: report the classic ones, from the client's endpoint table.
        None => crate::zoom::classic_scopes().join(" "),
    };
    let body = json!({
        "access_token": issued.token,
        "token_type": "bearer",
        "expires_in": issued.lifetime.as_secs(),
        "scope": scope,
        "api_url": sim.switches.token_api_url.clone().unwrap_or_else(|| sim.base_url.clone()),
    });
    (StatusCode::OK, Json(body)).into_response()
}
