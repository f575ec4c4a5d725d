//! Zoom-style error answers: an HTTP status plus a `{"code","message"}` body.
//!
//! Every rule violation in the simulator becomes an [`ApiError`]; handlers never panic on
//! bad input. Constructors are named after the Zoom code they produce so call sites read
//! like the API documentation.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// One Zoom error answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// Code 300, HTTP 400: Zoom's catch-all validation error.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 300, message)
    }

    /// Code 1034 as the role routes answer it (HTTP 400).
    pub fn role_missing() -> Self {
        Self::new(StatusCode::BAD_REQUEST, 1034, "Role does not exist.")
    }

    /// Code 1034 as the members routes answer it (HTTP 404).
    pub fn role_missing_members() -> Self {
        Self::new(StatusCode::NOT_FOUND, 1034, "Role does not exist.")
    }

    /// Code 1001, HTTP 404.
    pub fn user_missing(who: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            1001,
            format!("User does not exist: {who}."),
        )
    }

    /// Code 1224, HTTP 400.
    pub fn name_taken(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            1224,
            format!("Role name {name} has already been used."),
        )
    }

    /// Code 124, HTTP 401.
    pub fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 124, "Invalid access token.")
    }

    /// Code 2300: unknown path (HTTP 404) or method (HTTP 405).
    pub fn unknown_endpoint(status: StatusCode) -> Self {
        Self::new(status, 2300, "This API endpoint is not recognized.")
    }

    /// HTTP 200 with code 200: how Zoom refuses role management on a free account.
    pub fn unpaid() -> Self {
        Self::new(StatusCode::OK, 200, "Only available for paid account.")
    }

    /// A JSON body that could not be parsed.
    pub fn bad_body(detail: impl std::fmt::Display) -> Self {
        Self::validation(format!("Invalid request body: {detail}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"code": self.code, "message": self.message})),
        )
            .into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
