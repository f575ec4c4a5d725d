//! Turning Zoom client errors into diagnostics: a short summary per kind of failure, what
//! the client says happened (what failed, Zoom's code and message, tracking id) and what to
//! do about it in Terraform (the provider's settings and their environment variables,
//! import, changes made outside Terraform) as the detail, and the attribute it concerns
//! when the caller knows it. The client advises in its own terms; the words here are the
//! provider's.

use crate::tfplugin::{AttrPath, Diagnostic};
use crate::zoom::{
    classic_scopes, granular_scopes, master_classic_scopes, master_granular_scopes, Error,
    ErrorKind, Missing, Server, DEFAULT_API_URL, DEFAULT_TOKEN_URL, GOV_API_URL, GOV_TOKEN_URL,
};

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
    let d = Diagnostic::error(summary, explain(err));
    match attr {
        Some(a) => d.at(AttrPath::attr(a)),
        None => d,
    }
}

/// The whole story of a failed Zoom call for a Terraform user: what happened, then what to
/// do in Terraform.
pub fn explain(err: &Error) -> String {
    match terraform_advice(err) {
        Some(advice) => format!("{}. {advice}", err.what_happened()),
        None => err.what_happened(),
    }
}

/// What to check when a host can't be reached: the setting that names it, with its
/// environment variable, and the values Zoom uses.
fn unreachable_advice(host: &str, server: Server, timeout: bool) -> String {
    let (setting, env, public, gov) = match server {
        Server::Token => (
            "token_url",
            "ZOOM_TOKEN_URL",
            DEFAULT_TOKEN_URL,
            GOV_TOKEN_URL,
        ),
        Server::Api => ("api_url", "ZOOM_API_URL", DEFAULT_API_URL, GOV_API_URL),
    };
    let how = if timeout {
        "did not answer in time"
    } else {
        "could not be reached"
    };
    format!(
        "{host} {how}: check {setting} (or the {env} environment variable). It is {public} for \
         Zoom accounts and {gov} for Zoom for Government accounts (zoom_for_government = true, \
         which sets api_url and token_url together). Also check the network, proxy and firewall \
         between here and {host}."
    )
}

/// What to do about a failed call, in the provider's words: its settings (checked against
/// the schemas by tests/docs.rs) and Terraform's commands.
fn terraform_advice(e: &Error) -> Option<String> {
    if let Some(host) = e.unreachable_host() {
        return Some(unreachable_advice(host, e.server(), e.timed_out()));
    }
    let s = match e.kind() {
        ErrorKind::NotFound => match e.missing() {
            Some(Missing::User) => "Check the user's id or email: the user must exist in this Zoom account.".to_owned(),
            Some(Missing::RoleOrMember) => "The role does not exist in Zoom, or the user no longer holds it; it may \
                 have been changed outside Terraform."
                .to_owned(),
            _ => "The object does not exist in Zoom; it may have been deleted outside Terraform.".to_owned(),
        },
        ErrorKind::NameConflict => {
            "Another role already has this name: choose another name, or import the existing role.".to_owned()
        }
        ErrorKind::Authentication => match (e.server(), e.static_token()) {
            (Server::Token, _) => "Zoom rejected the app's credentials: check client_id, client_secret and \
                 account_id against the Server-to-Server OAuth app in the Zoom App Marketplace, and that the app \
                 is activated."
                .to_owned(),
            (_, true) => "The access token is invalid or expired: supply a fresh \
                 access_token, or configure client_id, client_secret and account_id so the provider fetches and \
                 renews tokens itself."
                .to_owned(),
            (_, false) => "Zoom rejected freshly fetched access tokens: check \
                 that client_id, client_secret and account_id belong to one activated Server-to-Server OAuth app. \
                 If other pipelines or tools use the same app, Zoom may end a token when it issues a new one: \
                 the provider renews its token each time, but a client taking new tokens continuously can still \
                 win; give each pipeline an app of its own."
                .to_owned(),
        },
        ErrorKind::MissingScopes { scopes } => {
            let list = if scopes.is_empty() {
                "the scopes named above".to_owned()
            } else {
                scopes.join(", ")
            };
            // A sub-account's calls go through the Master Account API: its `:master` scopes.
            let master = scopes.iter().any(|s| s.ends_with(":master"));
            let (style, all) = match (e.zoom_code() == Some(4711), master) {
                (true, false) => ("granular scopes", granular_scopes()),
                (false, false) => ("classic scopes", classic_scopes()),
                (true, true) => (
                    "granular scopes, for sub-accounts (account_id, sub_account_id)",
                    master_granular_scopes(),
                ),
                (false, true) => (
                    "classic scopes, for sub-accounts (account_id, sub_account_id)",
                    master_classic_scopes(),
                ),
            };
            format!(
                "Add {list} to the app's scopes in the Zoom App Marketplace (everything the provider can \
                 need on an app with {style}: {}). A token keeps the scopes it was issued with, so a NEW \
                 token is needed after adding them: the provider fetches one when it starts (a static \
                 access_token must be generated again).",
                all.join(", ")
            )
        }
        ErrorKind::PermissionOrPlan if e.zoom_code() == Some(2001) => format!(
            "{} Set account_id (or the provider's sub_account_id, ZOOM_SUB_ACCOUNT_ID) to one of \
             them, or leave both unset for the app's own account.",
            e.advice().unwrap_or_default()
        ),
        // No Terraform setting or command is involved: the client's own words serve.
        ErrorKind::PermissionOrPlan
        | ErrorKind::Validation
        | ErrorKind::RateLimited { daily: true }
        | ErrorKind::Transient
        | ErrorKind::InvalidResponse => return e.advice().map(str::to_owned),
        ErrorKind::RateLimited { daily: false } => "Zoom kept rate-limiting the request for longer than \
             retries may take: set rate_limit_plan to the account's plan, or lower rate_limit_light and \
             rate_limit_medium (the account's limits are shared by all its apps), or raise retry_timeout."
            .to_owned(),
        ErrorKind::Configuration => return None,
    };
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoom::{AnswerMeta, AuthMode, Endpoint, Operation};

    fn answer(status: u16, body: &str, endpoint: Endpoint, auth: AuthMode) -> Error {
        let meta = AnswerMeta {
            status,
            tracking_id: Some("v=2.0;clid=us06;rid=abc".into()),
            rate_limit_type: None,
        };
        crate::zoom::from_answer(
            "assign members to role 1",
            &meta,
            body.as_bytes(),
            endpoint,
            auth,
        )
    }

    fn api(status: u16, body: &str) -> String {
        explain(&answer(
            status,
            body,
            Endpoint::Api(Operation::AssignMembers),
            AuthMode::ClientCredentials,
        ))
    }

    #[test]
    fn what_happened_then_what_to_do_in_terraform() {
        assert_eq!(
            api(404, r#"{"code":1001,"message":"User does not exist: a@b.c"}"#),
            "assign members to role 1 failed: not found: Zoom code 1001: User does not exist: a@b.c \
             (HTTP 404, tracking id v=2.0;clid=us06;rid=abc). Check the user's id or email: the user must \
             exist in this Zoom account."
        );
        let t = api(400, r#"{"code":1034,"message":"Role does not exist."}"#);
        assert!(t.contains("deleted outside Terraform"), "{t}");
        let t = api(400, r#"{"code":1224,"message":"Role name already used"}"#);
        assert!(t.contains("import the existing role"), "{t}");
        let t = api(
            400,
            r#"{"code":4711,"message":"Invalid access token, does not contain scopes:[role:read:admin, role:write:admin]."}"#,
        );
        assert!(
            t.contains("Add role:write:member:admin, role:read:admin, role:write:admin to the app's scopes")
                && t.contains("the provider fetches one when it starts")
                && t.contains("on an app with granular scopes: role:read:list_roles:admin"),
            "{t}"
        );
        let t = api(
            429,
            r#"{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}"#,
        );
        assert!(
            t.contains("set rate_limit_plan")
                && t.contains("lower rate_limit_light and rate_limit_medium")
                && t.contains("raise retry_timeout")
                && !t.contains("retry_budget"),
            "{t}"
        );
        let t = api(
            400,
            r#"{"code":300,"message":"This role cannot be updated"}"#,
        );
        assert!(t.contains("check the values in the configuration"), "{t}");
        let t = explain(&answer(
            400,
            r#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#,
            Endpoint::Token,
            AuthMode::ClientCredentials,
        ));
        assert!(
            t.contains("check client_id, client_secret and account_id"),
            "{t}"
        );
        let t = explain(&answer(
            401,
            r#"{"code":124,"message":"Invalid access token."}"#,
            Endpoint::Api(Operation::AssignMembers),
            AuthMode::StaticToken,
        ));
        assert!(
            t.contains("so the provider fetches and renews tokens"),
            "{t}"
        );
        let t = api(401, r#"{"code":124,"message":"Invalid access token."}"#);
        assert!(t.contains("give each pipeline an app of its own"), "{t}");
    }

    #[test]
    fn the_client_s_own_advice_never_reaches_terraform() {
        let e = answer(
            429,
            r#"{"code":429,"message":"rate limit"}"#,
            Endpoint::Api(Operation::AssignMembers),
            AuthMode::ClientCredentials,
        );
        assert!(e.to_string().contains("retry_budget"), "{e}");
        let d = zoom_diag(&e, None);
        assert!(!d.detail.contains("retry_budget"), "{}", d.detail);
        assert!(d.detail.starts_with(&e.what_happened()), "{}", d.detail);
    }
}
