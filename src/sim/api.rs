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

/// The path parameters of every `/v2` route; `account` is set on the Master Account API's
/// routes (`/accounts/{accountId}/...`), which answer for that account.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Params {
    #[serde(rename = "accountId")]
    account: Option<String>,
    #[serde(rename = "roleId", default)]
    role: String,
    #[serde(rename = "memberId", default)]
    member: String,
    #[serde(rename = "userId", default)]
    user: String,
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
    ZPath(p): ZPath<Params>,
    ZQuery(query): ZQuery<RolesQuery>,
) -> ApiResult<Json<Value>> {
    let roles = app
        .lock()
        .dir_for(p.account.as_deref())?
        .list_roles(query.kind.as_deref())?;
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

pub(crate) async fn create_role(
    State(app): State<App>,
    ZPath(p): ZPath<Params>,
    body: Bytes,
) -> ApiResult<Response> {
    let new: NewRole = parse_body(&body)?;
    let mut sim = app.lock();
    sim.dir_for(p.account.as_deref())?;
    let id = sim.new_role_id();
    let role = sim.dir_for(p.account.as_deref())?.create_role(new, id)?;
    if sim.switches.create_empty_body {
        return Ok(StatusCode::CREATED.into_response());
    }
    Ok((StatusCode::CREATED, Json(role_json(&role))).into_response())
}

pub(crate) async fn get_role(
    State(app): State<App>,
    ZPath(p): ZPath<Params>,
) -> ApiResult<Json<Value>> {
    let mut sim = app.lock();
    let form = sim.switches.not_found_form;
    let role = sim
        .dir_for(p.account.as_deref())?
        .get_role(&p.role)
        .map_err(|e| e.role_missing_as(form, false))?;
    drop(sim);
    let mut body = role_json(&role);
    body["sub_account_privileges"] = json!({"second_level": 0});
    Ok(Json(body))
}

pub(crate) async fn update_role(
    State(app): State<App>,
    ZPath(p): ZPath<Params>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let patch: RolePatch = parse_body(&body)?;
    let mut sim = app.lock();
    let form = sim.switches.not_found_form;
    sim.dir_for(p.account.as_deref())?
        .update_role(&p.role, patch)
        .map_err(|e| e.role_missing_as(form, false))?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn delete_role(
    State(app): State<App>,
    ZPath(p): ZPath<Params>,
) -> ApiResult<StatusCode> {
    let mut sim = app.lock();
    let policy = sim.switches.delete_role_with_members;
    let form = sim.switches.not_found_form;
    sim.dir_for(p.account.as_deref())?
        .delete_role(&p.role, policy, Instant::now())
        .map_err(|e| e.role_missing_as(form, false))?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn list_members(
    State(app): State<App>,
    ZPath(p): ZPath<Params>,
    ZQuery(query): ZQuery<MemberQuery>,
) -> ApiResult<Json<Value>> {
    let mut guard = app.lock();
    let sim = &mut *guard;
    let lag = Duration::from_millis(sim.switches.member_list_lag_ms);
    let token = sim.random_string(32);
    let form = sim.switches.not_found_form;
    let page = sim
        .dir_for(p.account.as_deref())?
        .list_members(&p.role, &query, Instant::now(), lag, || token)
        .map_err(|e| e.role_missing_as(form, false))?;
    Ok(Json(json!(page)))
}

#[derive(Debug, Default, Deserialize)]
struct AssignBody {
    members: Option<Vec<MemberRef>>,
}

pub(crate) async fn assign_members(
    State(app): State<App>,
    ZPath(p): ZPath<Params>,
    body: Bytes,
) -> ApiResult<Response> {
    let body: AssignBody = parse_body(&body)?;
    let ids = {
        let mut sim = app.lock();
        let form = sim.switches.not_found_form;
        sim.dir_for(p.account.as_deref())?
            .assign(&p.role, body.members, Instant::now())
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
    ZPath(p): ZPath<Params>,
) -> ApiResult<StatusCode> {
    let mut sim = app.lock();
    let form = sim.switches.not_found_form;
    sim.dir_for(p.account.as_deref())?
        .unassign(&p.role, &p.member, Instant::now())
        .map_err(|e| e.role_missing_as(form, true))?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn list_users(
    State(app): State<App>,
    ZPath(p): ZPath<Params>,
    ZQuery(query): ZQuery<UserQuery>,
) -> ApiResult<Json<Value>> {
    let mut guard = app.lock();
    let sim = &mut *guard;
    let token = sim.random_string(32);
    let page = sim
        .dir_for(p.account.as_deref())?
        .list_users(&query, Instant::now(), || token)?;
    Ok(Json(json!(page)))
}

pub(crate) async fn get_user(
    State(app): State<App>,
    ZPath(p): ZPath<Params>,
) -> ApiResult<Json<Value>> {
    let mut sim = app.lock();
    let who = p.user;
    let app_user = sim.switches.app_user.clone();
    let sub = p
        .account
        .as_deref()
        .is_some_and(|a| a != "me" && a != sim.creds.account_id);
    let account_id = match p.account.as_deref() {
        Some(a) if sub => a.to_string(),
        _ => sim.creds.account_id.clone(),
    };
    let dir = sim.dir_for(p.account.as_deref())?;
    // A Server-to-Server token acts as the app's owner: `me` is that user. The owner is a
    // user of the app's own account, not of a sub-account (Zoom's reference doesn't say
    // what `me` answers there; the simulator says the user does not exist).
    let (user, role_name) = match (who.as_str(), sub) {
        ("me", false) => dir.app_user(app_user.as_deref())?,
        ("me", true) => return Err(ApiError::user_missing("me")),
        _ => dir.get_user(&who)?,
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
        "account_id": account_id,
        "timezone": "UTC",
        "verified": 1,
        "language": "en-US",
    })))
}

/// `GET /accounts`: the sub-accounts of the app's (master) account, one page of up to
/// `page_size` (default 30, at most 300) with a `next_page_token`, as Zoom pages its
/// listings.
pub(crate) async fn list_sub_accounts(
    State(app): State<App>,
    ZQuery(query): ZQuery<PageQuery>,
) -> ApiResult<Json<Value>> {
    let sim = app.lock();
    let size = query.page_size.unwrap_or(30).clamp(1, 300);
    let ids: Vec<&String> = sim.subs.keys().collect();
    let start = match query.next_page_token.as_deref().filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => t
            .strip_prefix("acct-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= ids.len())
            .ok_or_else(|| ApiError::validation("Invalid next_page_token."))?,
    };
    let end = (start + size).min(ids.len());
    let accounts: Vec<Value> = ids[start..end]
        .iter()
        .map(|id| {
            json!({
                "id": id,
                "account_name": format!("Sub-account {id}"),
                "owner_email": format!("owner@{id}.example.com"),
                "account_type": "Pro",
                "account_number": 0,
            })
        })
        .collect();
    let next = if end < ids.len() {
        format!("acct-{end}")
    } else {
        String::new()
    };
    Ok(Json(json!({
        "page_count": ids.len().div_ceil(size),
        "page_size": size,
        "total_records": ids.len(),
        "next_page_token": next,
        "accounts": accounts,
    })))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    page_size: Option<usize>,
    next_page_token: Option<String>,
}

/// Paths under `/v2` that match no route.
pub(crate) async fn unknown_endpoint() -> ApiError {
    ApiError::unknown_endpoint(StatusCode::NOT_FOUND)
}
