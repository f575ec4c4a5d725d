//! The `/v2` handlers: parse input into Zoom errors rather than rejections, call the
//! directory under the lock, shape the answer. Authentication, scopes, rate limits and
//! faults have already been applied by [`super::gate`].

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::{ApiError, ApiResult};
use super::model::{MemberQuery, MemberRef, NewRole, RolePatch, RoleWithCount, UserQuery};
use super::state::App;

/// `Path` whose rejections are Zoom errors.
pub(crate) struct ZPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ZPath<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| ZPath(t))
            .map_err(|e| ApiError::validation(e.body_text()))
    }
}

/// `Query` whose rejections are Zoom errors.
pub(crate) struct ZQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ZQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(t)| ZQuery(t))
            .map_err(|e| ApiError::validation(e.body_text()))
    }
}

/// Parse a JSON body; an empty body is the type's default.
fn parse_body<T: DeserializeOwned + Default>(body: &Bytes) -> ApiResult<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(ApiError::bad_body)
}

fn role_json(r: &RoleWithCount) -> Value {
    json!({
        "id": r.role.id,
        "name": r.role.name,
        "description": r.role.description,
        "type": r.role.kind,
        "privileges": r.role.privileges,
        "total_members": r.total_members,
    })
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RolesQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
}

pub(crate) async fn list_roles(
    State(app): State<App>,
    ZQuery(query): ZQuery<RolesQuery>,
) -> ApiResult<Json<Value>> {
    let roles = app.lock().dir.list_roles(query.kind.as_deref())?;
    let items: Vec<Value> = roles
        .iter()
        .map(|r| {
            json!({
                "id": r.role.id,
                "name": r.role.name,
                "description": r.role.description,
                "type": r.role.kind,
                "total_members": r.total_members,
            })
        })
        .collect();
    Ok(Json(json!({"total_records": items.len(), "roles": items})))
}

pub(crate) async fn create_role(State(app): State<App>, body: Bytes) -> ApiResult<Response> {
    let new: NewRole = parse_body(&body)?;
    let mut sim = app.lock();
    let id = sim.new_role_id();
    let role = sim.dir.create_role(new, id)?;
    if sim.switches.create_empty_body {
        return Ok(StatusCode::CREATED.into_response());
    }
    Ok((StatusCode::CREATED, Json(role_json(&role))).into_response())
}

pub(crate) async fn get_role(
    State(app): State<App>,
    ZPath(role_id): ZPath<String>,
) -> ApiResult<Json<Value>> {
    let sim = app.lock();
    let role = sim
        .dir
        .get_role(&role_id)
        .map_err(|e| e.role_missing_as(sim.switches.not_found_form, false))?;
    drop(sim);
    let mut body = role_json(&role);
    body["sub_account_privileges"] = json!({"second_level": 0});
    Ok(Json(body))
}

pub(crate) async fn update_role(
    State(app): State<App>,
    ZPath(role_id): ZPath<String>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let patch: RolePatch = parse_body(&body)?;
    let mut sim = app.lock();
    let form = sim.switches.not_found_form;
    sim.dir
        .update_role(&role_id, patch)
        .map_err(|e| e.role_missing_as(form, false))?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn delete_role(
    State(app): State<App>,
    ZPath(role_id): ZPath<String>,
) -> ApiResult<StatusCode> {
    let mut sim = app.lock();
    let policy = sim.switches.delete_role_with_members;
    let form = sim.switches.not_found_form;
    sim.dir
        .delete_role(&role_id, policy, Instant::now())
        .map_err(|e| e.role_missing_as(form, false))?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn list_members(
    State(app): State<App>,
    ZPath(role_id): ZPath<String>,
    ZQuery(query): ZQuery<MemberQuery>,
) -> ApiResult<Json<Value>> {
    let mut guard = app.lock();
    let sim = &mut *guard;
    let lag = Duration::from_millis(sim.switches.member_list_lag_ms);
    let token = sim.random_string(32);
    let form = sim.switches.not_found_form;
    let page = sim
        .dir
        .list_members(&role_id, &query, Instant::now(), lag, || token)
        .map_err(|e| e.role_missing_as(form, false))?;
    Ok(Json(json!(page)))
}

#[derive(Debug, Default, Deserialize)]
struct AssignBody {
    members: Option<Vec<MemberRef>>,
}

pub(crate) async fn assign_members(
    State(app): State<App>,
    ZPath(role_id): ZPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body: AssignBody = parse_body(&body)?;
    let ids = {
        let mut sim = app.lock();
        let form = sim.switches.not_found_form;
        sim.dir
            .assign(&role_id, body.members, Instant::now())
            .map_err(|e| e.role_missing_as(form, false))?
    };
    let add_at = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap_or_default();
    let body = json!({"add_at": add_at, "ids": ids.join(",")});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub(crate) async fn unassign_member(
    State(app): State<App>,
    ZPath((role_id, member_id)): ZPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let mut sim = app.lock();
    let form = sim.switches.not_found_form;
    sim.dir
        .unassign(&role_id, &member_id, Instant::now())
        .map_err(|e| e.role_missing_as(form, true))?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn list_users(
    State(app): State<App>,
    ZQuery(query): ZQuery<UserQuery>,
) -> ApiResult<Json<Value>> {
    let mut guard = app.lock();
    let sim = &mut *guard;
    let token = sim.random_string(32);
    let page = sim.dir.list_users(&query, Instant::now(), || token)?;
    Ok(Json(json!(page)))
}

pub(crate) async fn get_user(
    State(app): State<App>,
    ZPath(who): ZPath<String>,
) -> ApiResult<Json<Value>> {
    let sim = app.lock();
    // A Server-to-Server token acts as the app's owner: `me` is that user.
    let (user, role_name) = if who == "me" {
        sim.dir.app_user(sim.switches.app_user.as_deref())?
    } else {
        sim.dir.get_user(&who)?
    };
    Ok(Json(json!({
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": format!("{} {}", user.first_name, user.last_name).trim(),
        "email": user.email,
        "type": user.user_type,
        "role_name": role_name,
        "role_id": user.role_id,
        "dept": user.department,
        "status": user.status,
        "account_id": sim.creds.account_id,
        "timezone": "UTC",
        "verified": 1,
        "language": "en-US",
    })))
}

/// Paths under `/v2` that match no route.
pub(crate) async fn unknown_endpoint() -> ApiError {
    ApiError::unknown_endpoint(StatusCode::NOT_FOUND)
}
