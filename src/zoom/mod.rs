//! The Zoom API client: a typed async client for Zoom's account roles and role members
//! (plus the user lookup role management needs), with server-to-server OAuth, one error
//! type classified by Zoom's codes, retries with backoff, client-side rate limiting per
//! Zoom category, and counters. No Terraform types live here; the plugin layer maps its
//! provider block onto [`ClientConfig`] and calls [`ZoomClient`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), terraform_provider_zoom::zoom::Error> {
//! use terraform_provider_zoom::zoom::{Auth, ClientConfig, MemberRef, ZoomClient};
//! let client = ZoomClient::new(ClientConfig::new(Auth::client_credentials("acct", "id", "secret")))?;
//! let roles = client.list_roles(None).await?;
//! client.assign_members(&roles[0].id, &[MemberRef::Email("a@example.com".into())]).await?;
//! # Ok(()) }
//! ```

mod auth;
mod batch;
mod client;
mod config;
mod endpoints;
mod error;
mod limiter;
mod model;
mod retry;
mod roots;
mod stats;
mod transport;

pub use batch::AssignBatcher;
pub use client::{ZoomClient, MAX_MEMBERS_PER_ASSIGN, MEMBERS_PAGE_SIZE};
pub use config::{
    Auth, ClientConfig, RateLimits, RatePlan, Secret, DEFAULT_API_URL, DEFAULT_TOKEN_URL,
    DEFAULT_WINDOW_MARGIN, GOV_API_URL, GOV_TOKEN_URL,
};
pub use endpoints::{
    classic_scopes, endpoint, endpoint_for, granular_scopes, master_classic_scopes,
    master_granular_scopes, route_for, ApiEndpoint, Form, MasterForm, ENDPOINTS,
};
#[cfg(test)]
pub(crate) use error::{from_answer, AnswerMeta, AuthMode, Endpoint};
pub use error::{parse_scopes, Error, ErrorKind, Missing, Server};
pub use limiter::Category;
pub use model::{AssignResult, CreateRole, Member, MemberRef, Role, UpdateRole, User};
pub use retry::{parse_retry_after, Backoff};
pub use stats::{ClientStats, Operation};
