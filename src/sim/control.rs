//! The control API under `/_sim/` for tests and demos: stats, request log, state dump,
//! runtime switches, scripted faults, held requests, extra users, token expiry. No auth
//! (the server only listens on loopback) and no faults, latency or accounting apply here.

use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::api::ZQuery;
use super::config::{Plan, Switches};
use super::hold::HoldRule;
use super::model::UserSeed;
use super::state::{App, ScriptedFault};

fn control_error(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": message.into()})),
    )
        .into_response()
}

/// The `/_sim` routes.
pub(crate) fn router() -> Router<App> {
    Router::new()
        .route("/_sim/stats", get(stats))
        .route("/_sim/stats/reset", post(reset_stats))
        .route("/_sim/log", get(log))
        .route("/_sim/state", get(state))
        .route("/_sim/config", get(config).post(set_config))
        .route(
            "/_sim/faults",
            get(faults).post(add_faults).delete(clear_faults),
        )
        .route(
            "/_sim/holds",
            get(holds).post(add_holds).delete(clear_holds),
        )
        .route("/_sim/holds/release", post(release_holds))
        .route("/_sim/users", post(add_users))
        .route("/_sim/tokens", post(mint_token))
        .route("/_sim/tokens/expire", post(expire_tokens))
}

async fn stats(State(app): State<App>) -> Response {
    Json(app.lock().stats.clone()).into_response()
}

async fn reset_stats(State(app): State<App>) -> StatusCode {
    let mut sim = app.lock();
    sim.stats = Default::default();
    sim.log.clear();
    StatusCode::NO_CONTENT
}

#[derive(Debug, Default, Deserialize)]
struct LogQuery {
    since: Option<u64>,
}

async fn log(State(app): State<App>, ZQuery(query): ZQuery<LogQuery>) -> Response {
    let since = query.since.unwrap_or(0);
    Json(app.lock().log.since(since)).into_response()
}

async fn state(State(app): State<App>) -> Response {
    Json(app.lock().dir.dump()).into_response()
}

async fn config(State(app): State<App>) -> Response {
    Json(app.lock().switches.clone()).into_response()
}

/// Apply a partial update of the switches. Besides the [`Switches`] fields it accepts
/// `plan` (free/pro/business/off), `latency_ms` ("20-50" or a number) and
/// `token_lifetime_secs` (fractions allowed).
pub(crate) fn patch_switches(current: &Switches, patch: Value) -> Result<Switches, String> {
    let Value::Object(patch) = patch else {
        return Err("expected a JSON object".into());
    };
    let mut next = current.clone();
    let mut plain = Map::new();
    for (key, value) in patch {
        match key.as_str() {
            "plan" => {
                let plan: Plan = value.as_str().ok_or("plan must be a string")?.parse()?;
                next.rate_limits = plan.limits();
            }
            "latency_ms" => match &value {
                Value::String(s) => next.set_latency(s)?,
                Value::Number(n) => next.set_latency(&n.to_string())?,
                _ => return Err("latency_ms must be \"MIN-MAX\" or a number".into()),
            },
            "token_lifetime_secs" => {
                let secs = value
                    .as_f64()
                    .ok_or("token_lifetime_secs must be a number")?;
                next.set_token_lifetime_secs(secs)?;
            }
            _ => {
                plain.insert(key, value);
            }
        }
    }
    let mut merged = serde_json::to_value(&next).map_err(|e| e.to_string())?;
    if let Value::Object(obj) = &mut merged {
        obj.extend(plain);
    }
    let next: Switches = serde_json::from_value(merged).map_err(|e| e.to_string())?;
    next.validate()?;
    Ok(next)
}

async fn set_config(State(app): State<App>, body: axum::body::Bytes) -> Response {
    let patch: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return control_error(format!("invalid JSON: {e}")),
    };
    let mut sim = app.lock();
    match patch_switches(&sim.switches, patch) {
        Ok(next) => {
            sim.switches = next.clone();
            Json(next).into_response()
        }
        Err(e) => control_error(e),
    }
}

async fn faults(State(app): State<App>) -> Response {
    Json(app.lock().scripted.clone()).into_response()
}

/// Body: one fault or a list of faults; they queue after existing ones.
async fn add_faults(State(app): State<App>, body: axum::body::Bytes) -> Response {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(ScriptedFault),
        Many(Vec<ScriptedFault>),
    }
    let faults = match serde_json::from_slice::<OneOrMany>(&body) {
        Ok(OneOrMany::One(f)) => vec![f],
        Ok(OneOrMany::Many(fs)) => fs,
        Err(e) => return control_error(format!("invalid fault: {e}")),
    };
    let mut sim = app.lock();
    sim.push_faults(faults);
    (StatusCode::CREATED, Json(sim.scripted.clone())).into_response()
}

async fn clear_faults(State(app): State<App>) -> StatusCode {
    app.lock().scripted.clear();
    StatusCode::NO_CONTENT
}

async fn holds(State(app): State<App>) -> Response {
    Json(app.lock().holds.status()).into_response()
}

/// Body: one hold rule or a list of them; they apply after existing ones.
async fn add_holds(State(app): State<App>, body: axum::body::Bytes) -> Response {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(HoldRule),
        Many(Vec<HoldRule>),
    }
    let rules = match serde_json::from_slice::<OneOrMany>(&body) {
        Ok(OneOrMany::One(r)) => vec![r],
        Ok(OneOrMany::Many(rs)) => rs,
        Err(e) => return control_error(format!("invalid hold rule: {e}")),
    };
    let mut sim = app.lock();
    sim.holds.add(rules);
    (StatusCode::CREATED, Json(sim.holds.status())).into_response()
}

async fn clear_holds(State(app): State<App>) -> StatusCode {
    app.lock().holds.clear();
    StatusCode::NO_CONTENT
}

async fn release_holds(State(app): State<App>) -> Response {
    let mut sim = app.lock();
    sim.holds.release();
    Json(sim.holds.status()).into_response()
}

async fn add_users(State(app): State<App>, body: axum::body::Bytes) -> Response {
    let seeds: Vec<UserSeed> = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return control_error(format!("expected a list of users: {e}")),
    };
    match app.lock().dir.add_users(seeds) {
        Ok(()) => StatusCode::CREATED.into_response(),
        Err(e) => control_error(e.message),
    }
}

/// Issue a token without going through `/oauth/token` (not counted in stats).
async fn mint_token(State(app): State<App>) -> Response {
    let issued = app.lock().issue_token(Instant::now());
    Json(json!({
        "access_token": issued.token,
        "expires_in": issued.lifetime.as_secs(),
    }))
    .into_response()
}

async fn expire_tokens(State(app): State<App>) -> StatusCode {
    app.lock().expire_tokens();
    StatusCode::NO_CONTENT
}
