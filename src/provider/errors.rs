//! Turning Zoom client errors into diagnostics: a short summary per kind of failure, the
//! client's full explanation (what failed, Zoom's code and message, tracking id, what to do)
//! as the detail, and the attribute it concerns when the caller knows it.

use crate::tfplugin::{AttrPath, Diagnostic};
use crate::zoom::{Error, ErrorKind};

/// A diagnostic for a failed Zoom call; `attr` points it at the attribute involved.
pub fn zoom_diag(err: &Error, attr: Option<&str>) -> Diagnostic {
    let summary = match err.kind() {
        ErrorKind::NotFound => "Not found in Zoom",
        ErrorKind::NameConflict => "Role name already in use",
        ErrorKind::Authentication => "Zoom rejected the credentials",
        ErrorKind::MissingScopes { .. } => "Zoom access token lacks scopes",
        ErrorKind::PermissionOrPlan => "Zoom refused: permission or plan",
        ErrorKind::Validation => "Zoom rejected the request",
        ErrorKind::RateLimited { daily: true } => "Zoom daily rate limit reached",
        ErrorKind::RateLimited { daily: false } => "Zoom rate limit",
        ErrorKind::Transient => "Zoom API unavailable",
        ErrorKind::InvalidResponse => "Unexpected answer from Zoom",
        ErrorKind::Configuration => "Invalid Zoom client configuration",
    };
    let d = Diagnostic::error(summary, err.to_string());
    match attr {
        Some(a) => d.at(AttrPath::attr(a)),
        None => d,
    }
}
