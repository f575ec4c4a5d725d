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

    /// Code 2001: the Master Account API's answer for an account id that is not a
    /// sub-account of the caller's account (Zoom's reference lists it for the
    /// `/accounts/{accountId}` endpoints: "This account does not exist or does not belong
    /// to you: {subAccountId}", without an HTTP status: `status` is 400 or 404).
    pub fn not_a_sub_account(id: &str, status: u16) -> Self {
        Self::new(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            2001,
            format!("This account does not exist or does not belong to you: {id}."),
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

    /// HTTP 200 with code 200: how Zoom refuses role management on a free account, with
    /// the message its reference documents for the route (`route` is a route key such as
    /// `PATCH /roles/{roleId}`).
    pub fn unpaid(route: &str) -> Self {
        let route = route.replace("/accounts/{accountId}", "");
        let message = match route.as_str() {
            "POST /roles" => "You do not have the permission to create a role.",
            "PATCH /roles/{roleId}" => "The account must be a paid account to update the role.",
            _ => "Only available for paid account.",
        };
        Self::new(StatusCode::OK, 200, message)
    }

    /// Rewrite a missing-role answer (code 1034) into `form`; other errors pass through.
    /// `unassign` picks the wording of `DELETE /roles/{roleId}/members/{memberId}`.
    pub fn role_missing_as(self, form: super::config::NotFoundForm, unassign: bool) -> Self {
        use super::config::NotFoundForm;
        if self.code != 1034 {
            return self;
        }
        match form {
            NotFoundForm::Code1034 => self,
            NotFoundForm::Code300 => Self::new(StatusCode::BAD_REQUEST, 300, "Role not found."),
            NotFoundForm::Code200 => Self::new(StatusCode::OK, 200, "Role not found."),
            NotFoundForm::Http404 => Self::new(
                StatusCode::NOT_FOUND,
                0,
                if unassign {
                    "Role or Member not found"
                } else {
                    "Role not found"
                },
            ),
        }
    }

    /// A JSON body that could not be parsed.
    pub fn bad_body(detail: impl std::fmt::Display) -> Self {
        Self::validation(format!("Invalid request body: {detail}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Code 0 stands for an answer without a Zoom code (a bare HTTP 404).
        let body = if self.code == 0 {
            json!({"message": self.message})
        } else {
            json!({"code": self.code, "message": self.message})
        };
        (self.status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
