//! The `provider "zoom"` block: its schema, static validation, and how configuration and
//! environment variables resolve into [`Settings`] (credentials, URLs, client tuning).
//! Every problem is a diagnostic on the attribute involved that also names the environment
//! variable, because either may be where the value was meant to come from.

use std::time::Duration;

use crate::tfplugin::{Attribute, Block, Diagnostic, Diagnostics, Schema, Severity, Value};
use crate::zoom::{Auth, ClientConfig, RatePlan, Secret};

pub use crate::zoom::{DEFAULT_API_URL, DEFAULT_TOKEN_URL, GOV_API_URL, GOV_TOKEN_URL};

/// The Zoom for Government switch and its environment variable.
const GOV_SETTING: &str = "zoom_for_government";
const GOV_ENV: &str = "ZOOM_FOR_GOVERNMENT";

/// The default sub-account setting and its environment variable. Deliberately not
/// `account_id`, which is the OAuth app's own account.
pub const SUB_ACCOUNT_SETTING: &str = "sub_account_id";
const SUB_ACCOUNT_ENV: &str = "ZOOM_SUB_ACCOUNT_ID";

/// Each string setting: attribute name, environment variable, sensitive.
const STRING_SETTINGS: &[(&str, &str, bool, &str)] = &[
    (
        "account_id",
        "ZOOM_ACCOUNT_ID",
        false,
        "Account ID of the Zoom Server-to-Server OAuth app. Can also be set with \
         `ZOOM_ACCOUNT_ID`.",
    ),
    (
        "client_id",
        "ZOOM_CLIENT_ID",
        false,
        "Client ID of the Server-to-Server OAuth app. Can also be set with `ZOOM_CLIENT_ID`.",
    ),
    (
        "client_secret",
        "ZOOM_CLIENT_SECRET",
        true,
        "Client secret of the Server-to-Server OAuth app. Can also be set with \
         `ZOOM_CLIENT_SECRET`. Never stored in state or logs.",
    ),
    (
        "access_token",
        "ZOOM_ACCESS_TOKEN",
        true,
        "A ready-made OAuth access token, instead of `account_id`, `client_id` and \
         `client_secret` (not together with them in this block). It is not renewed, so a run \
         must finish before it expires (Zoom tokens last an hour). Can also be set with \
         `ZOOM_ACCESS_TOKEN`; when the environment holds complete client credentials too, \
         they are used instead.",
    ),
    (
        SUB_ACCOUNT_SETTING,
        SUB_ACCOUNT_ENV,
        false,
        "The sub-account that resources, data sources and list resources without an \
         `account_id` of their own manage, through Zoom's Master Account API (the app's \
         account must be a master account, and the app needs the `:master` scopes). Unset: \
         the app's own account. Not the same as `account_id`, which names the account of the \
         Server-to-Server OAuth app. Can also be set with `ZOOM_SUB_ACCOUNT_ID`. Changing it \
         replaces every resource that takes it.",
    ),
    (
        "api_url",
        "ZOOM_API_URL",
        false,
        "Base URL of Zoom's REST API. Defaults to `https://api.zoom.us/v2` \
         (`https://api.zoomgov.com/v2` with `zoom_for_government`); point it at the bundled \
         Zoom simulator for testing. Can also be set with `ZOOM_API_URL`.",
    ),
    (
        "token_url",
        "ZOOM_TOKEN_URL",
        false,
        "Zoom's OAuth token endpoint. Defaults to `https://zoom.us/oauth/token` \
         (`https://zoomgov.com/oauth/token` with `zoom_for_government`). Can also be set with \
         `ZOOM_TOKEN_URL`.",
    ),
];

/// Client tuning knobs: attribute, description.
const NUMBER_SETTINGS: &[(&str, &str)] = &[
    (
        "request_timeout",
        "Seconds to wait for one HTTP request to Zoom before treating it as failed and \
         retrying. Defaults to 30.",
    ),
    (
        "retry_timeout",
        "Seconds one API operation may spend retrying transient failures and rate limiting \
         (HTTP 429) before giving up. Defaults to 120.",
    ),
    (
        "max_attempts",
        "Most attempts for one API operation, the first included (a whole number, at least \
         1). Defaults to 8.",
    ),
    (
        "rate_limit_light",
        "Requests per second this provider sends in Zoom's Light rate-limit category. \
         Defaults to the `rate_limit_plan` figure. Zoom counts per account, shared by every \
         app on it: leave headroom for other apps.",
    ),
    (
        "rate_limit_medium",
        "Requests per second in Zoom's Medium category (member listings and assignments). \
         Defaults to the `rate_limit_plan` figure.",
    ),
];

/// The provider block's schema.
pub fn schema() -> Schema {
    let mut attributes: Vec<Attribute> = STRING_SETTINGS
        .iter()
        .map(|(name, _, sensitive, desc)| {
            let a = Attribute::string(name).optional().describe(desc);
            if *sensitive {
                a.sensitive()
            } else {
                a
            }
        })
        .collect();
    attributes.push(Attribute::bool(GOV_SETTING).optional().describe(
        "The account is on Zoom for Government (ZoomGov): `api_url` and `token_url` default to \
         `https://api.zoomgov.com/v2` and `https://zoomgov.com/oauth/token` together. An \
         `api_url` or `token_url` set explicitly (or through its environment variable) still \
         wins. Can also be set with `ZOOM_FOR_GOVERNMENT` (`true` or `false`). Defaults to \
         `false`.",
    ));
    attributes.push(Attribute::string("rate_limit_plan").optional().describe(
        "Zoom plan whose per-second rate limits the provider stays under: `free` (Light 4/s, \
         Medium 2/s), `pro` (30/s, 20/s) or `business` (80/s, 60/s; also for Enterprise). \
         Defaults to `pro`.",
    ));
    attributes.extend(
        NUMBER_SETTINGS
            .iter()
            .map(|(name, desc)| Attribute::number(name).optional().describe(desc)),
    );
    attributes.push(Attribute::bool("allow_lockout").optional().describe(
        "Lets a plan take the user the Zoom app acts as (`GET /users/me`, the app's owner)          out of the roles that let the app manage roles, or take the account's last Admin          out of Admin. Both are refused at plan time by default, because Zoom then removes          the app's admin scopes and no later run could undo the change. Set it to `true`          only for the run that means it (e.g. `allow_lockout = var.allow_lockout` and          `-var allow_lockout=true`); the refusals then show as warnings. Deliberately not          read from the environment. Defaults to `false`.",
    ));
    Schema::new(
        0,
        Block::new(
            "Manages Zoom account roles and role memberships. Authenticate with a \
             Server-to-Server OAuth app (`account_id`, `client_id`, `client_secret`) or a \
             ready-made `access_token`.",
            attributes,
        ),
    )
}

/// Everything the provider needs: the Zoom client's configuration, resolved from the block
/// and the environment onto the client's own defaults, and the provider's own switches.
#[derive(Clone, Debug)]
pub struct Settings {
    /// What the Zoom client is built with (credentials, URLs, timeouts, rate limits).
    pub client: ClientConfig,
    /// Plans may lock the app out of role management (see `lockout`).
    pub allow_lockout: bool,
    /// The sub-account resources without an `account_id` manage (`sub_account_id`);
    /// `None` = the app's own account.
    pub sub_account_id: Option<String>,
}

/// Outcome of resolving the block.
#[derive(Debug)]
pub enum Resolved {
    Ready(Box<Settings>),
    /// Some values come from resources not yet created: nothing can be called yet.
    Unknown(Vec<&'static str>),
    Invalid,
}

/// Static checks of the block as written (no environment): URLs, numbers, conflicts.
pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for name in ["api_url", "token_url"] {
        if let Some(s) = config.attr(name).as_str() {
            match parse_url(name, env_of(name), s) {
                Err(d) => diags.push(d),
                Ok(url) if name == "api_url" => diags.extend(api_url_warnings(&url)),
                Ok(_) => {}
            }
        }
    }
    if let Some(plan) = config.attr("rate_limit_plan").as_str() {
        if let Err(d) = parse_plan(plan) {
            diags.push(d);
        }
    }
    if let Some(id) = config.attr(SUB_ACCOUNT_SETTING).as_str() {
        if let Some(why) = bad_account_id(id) {
            diags.push(
                Diagnostic::error(
                    format!("Invalid {SUB_ACCOUNT_SETTING}"),
                    format!(
                        "{SUB_ACCOUNT_SETTING} {id:?} {why}: set it to the id of a sub-account \
                         (Zoom's admin pages, Account Management > Sub Accounts), or leave it \
                         unset for the app's own account."
                    ),
                )
                .at_attr(SUB_ACCOUNT_SETTING),
            );
        }
    }
    for (name, _) in NUMBER_SETTINGS {
        if let Some(n) = config.attr(name).as_number() {
            if !(n.as_f64() > 0.0 && n.as_f64() <= 86_400.0) {
                diags.push(
                    Diagnostic::error(
                        format!("Invalid {name}"),
                        format!("{name} must be a positive number, got {n}."),
                    )
                    .at_attr(name),
                );
            }
        }
    }
    let token_set = is_set(config.attr("access_token"));
    let creds_set: Vec<&str> = ["account_id", "client_id", "client_secret"]
        .into_iter()
        .filter(|n| is_set(config.attr(n)))
        .collect();
    if token_set && !creds_set.is_empty() {
        diags.push(
            Diagnostic::error(
                "Conflicting Zoom credentials",
                format!(
                    "access_token is set together with {}. Use either a ready-made \
                     access_token or the Server-to-Server OAuth app's account_id, client_id \
                     and client_secret, not both.",
                    creds_set.join(", ")
                ),
            )
            .at_attr("access_token"),
        );
    }
    diags
}

/// Why `id` can't be a Zoom account id, if it can't: account ids are single path segments.
pub fn bad_account_id(id: &str) -> Option<&'static str> {
    if id.trim().is_empty() {
        Some("is empty")
    } else if id.contains('/') || id.contains(char::is_whitespace) {
        Some("contains a '/' or a space, which no Zoom account id does")
    } else {
        None
    }
}

fn is_set(v: &Value) -> bool {
    v.is_unknown() || v.as_str().is_some_and(|s| !s.is_empty())
}

fn env_of(name: &str) -> &'static str {
    STRING_SETTINGS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, env, ..)| *env)
        .unwrap_or("")
}

fn parse_url(name: &str, env: &str, s: &str) -> Result<url::Url, Diagnostic> {
    let bad = |why: String| {
        Diagnostic::error(
            format!("Invalid {name}"),
            format!(
                "{name} {s:?} is not a usable URL: {why}. Set {name} (or the {env} environment \
                 variable) to an http or https URL such as {}.",
                if name == "api_url" {
                    DEFAULT_API_URL
                } else {
                    DEFAULT_TOKEN_URL
                }
            ),
        )
        .at_attr(name)
    };
    let url = url::Url::parse(s).map_err(|e| bad(e.to_string()))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(bad(format!("the scheme is {:?}", url.scheme())));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host".to_string()));
    }
    Ok(url)
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// The two api_url mistakes behind most of Zoom's code 2300 ("This API endpoint is not
/// recognized"): no `/v2`, and Zoom's web host instead of its API host.
fn api_url_warnings(url: &url::Url) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let host = url.host_str().unwrap_or_default();
    if matches!(
        host,
        "zoom.us" | "www.zoom.us" | "zoomgov.com" | "www.zoomgov.com"
    ) {
        diags.push(
            Diagnostic::warning(
                "api_url names Zoom's web host",
                format!(
                    "api_url {url} is Zoom's web and OAuth host; the REST API is at \
                     https://api.zoom.us/v2 (https://api.zoomgov.com/v2 for Zoom for \
                     Government). Other hosts answer every call with code 2300, \"This API \
                     endpoint is not recognized\". Leave api_url unset for Zoom's."
                ),
            )
            .at_attr("api_url"),
        );
    } else if url.path().trim_matches('/').is_empty() {
        diags.push(
            Diagnostic::warning(
                "api_url has no API version",
                format!(
                    "api_url {url} has no path, but Zoom's REST API lives under /v2 \
                     (https://api.zoom.us/v2): without it every call answers code 2300, \
                     \"This API endpoint is not recognized\". Add /v2, or leave api_url unset."
                ),
            )
            .at_attr("api_url"),
        );
    }
    diags
}

fn parse_plan(s: &str) -> Result<RatePlan, Diagnostic> {
    RatePlan::from_name(s).ok_or_else(|| {
        Diagnostic::error(
            "Invalid rate_limit_plan",
            format!("rate_limit_plan {s:?} is not one of \"free\", \"pro\" or \"business\"."),
        )
        .at_attr("rate_limit_plan")
    })
}

/// Resolves the block against the environment (`env` looks a variable up).
pub fn resolve(config: &Value, env: &dyn Fn(&str) -> Option<String>) -> (Resolved, Diagnostics) {
    // validate's warnings were shown when Terraform validated the block: errors only.
    let mut diags = Diagnostics(
        validate(config)
            .0
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect(),
    );
    let mut unknown = Vec::new();
    let mut get = |name: &'static str| -> Option<String> {
        let v = config.attr(name);
        if v.is_unknown() {
            unknown.push(name);
            return None;
        }
        v.as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| env(env_of(name)).filter(|s| !s.is_empty()))
    };
    let account_id = get("account_id");
    let client_id = get("client_id");
    let client_secret = get("client_secret");
    let access_token = get("access_token");
    let api_url = get("api_url");
    let token_url = get("token_url");
    let sub_account_id = get(SUB_ACCOUNT_SETTING).map(|s| s.trim().to_string());
    if config.attr(GOV_SETTING).is_unknown() {
        unknown.push(GOV_SETTING);
    }
    if !unknown.is_empty() {
        return (Resolved::Unknown(unknown), diags);
    }
    if diags.has_errors() {
        return (Resolved::Invalid, diags);
    }

    let from_config = |n: &str| is_set(config.attr(n));
    let config_has_creds = ["account_id", "client_id", "client_secret"]
        .into_iter()
        .any(from_config);
    let use_token = access_token.is_some()
        && (from_config("access_token")
            || !config_has_creds
                && (account_id.is_none() || client_id.is_none() || client_secret.is_none()));
    // The client credentials, checked complete once; None means the access token.
    let credentials = if use_token {
        None
    } else {
        let missing: Vec<(&str, &str)> = [
            ("account_id", &account_id),
            ("client_id", &client_id),
            ("client_secret", &client_secret),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(n, _)| (n, env_of(n)))
        .collect();
        if missing.len() == 3 {
            diags.push(Diagnostic::error(
                "No Zoom credentials",
                "The provider needs a Server-to-Server OAuth app's account_id, client_id and \
                 client_secret (or the ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET \
                 environment variables), or a ready-made access_token (ZOOM_ACCESS_TOKEN). \
                 Create the app in Zoom's App Marketplace (Develop > Build App > \
                 Server-to-Server OAuth) and grant it the role scopes listed in the provider \
                 documentation.",
            ));
            return (Resolved::Invalid, diags);
        }
        for (name, env) in &missing {
            diags.push(
                Diagnostic::error(
                    format!("Missing {name}"),
                    format!(
                        "Server-to-Server OAuth needs account_id, client_id and client_secret \
                         together, but {name} is not set. Set {name} in the provider block or \
                         the {env} environment variable, or use access_token instead."
                    ),
                )
                .at_attr(name),
            );
        }
        let (Some(account_id), Some(client_id), Some(client_secret)) =
            (account_id, client_id, client_secret)
        else {
            return (Resolved::Invalid, diags);
        };
        Some((account_id, client_id, Secret::new(client_secret)))
    };

    let gov = match config.attr(GOV_SETTING).as_bool() {
        Some(b) => b,
        None => match env(GOV_ENV).as_deref().map(str::trim) {
            None | Some("") => false,
            Some(v) => match parse_bool(v) {
                Some(b) => b,
                None => {
                    diags.push(
                        Diagnostic::error(
                            format!("Invalid {GOV_ENV}"),
                            format!(
                                "The {GOV_ENV} environment variable is {v:?}; set it to \
                                 \"true\" (the account is on Zoom for Government) or \"false\", \
                                 or set {GOV_SETTING} in the provider block."
                            ),
                        )
                        .at_attr(GOV_SETTING),
                    );
                    return (Resolved::Invalid, diags);
                }
            },
        },
    };
    let (default_api, default_token) = if gov {
        (GOV_API_URL, GOV_TOKEN_URL)
    } else {
        (DEFAULT_API_URL, DEFAULT_TOKEN_URL)
    };
    let api_url = parse_url(
        "api_url",
        "ZOOM_API_URL",
        api_url.as_deref().unwrap_or(default_api),
    );
    let token_url = parse_url(
        "token_url",
        "ZOOM_TOKEN_URL",
        token_url.as_deref().unwrap_or(default_token),
    );
    let (api_url, token_url) = match (api_url, token_url) {
        (Ok(a), Ok(t)) => {
            if config.attr("api_url").is_null() {
                diags.extend(api_url_warnings(&a)); // from ZOOM_API_URL
            }
            (a, t)
        }
        (a, t) => {
            diags.extend(a.err().into_iter().chain(t.err()).collect());
            return (Resolved::Invalid, diags);
        }
    };
    let plan = config
        .attr("rate_limit_plan")
        .as_str()
        .and_then(|s| parse_plan(s).ok())
        .unwrap_or(RatePlan::Pro);
    let number = |name: &str| config.attr(name).as_number().map(|n| n.as_f64());
    let per_second = |name: &str| number(name).map(|n| n.ceil().max(1.0) as u32);
    let auth = match credentials {
        None => Auth::AccessToken(Secret::new(access_token.unwrap_or_default())),
        Some((account_id, client_id, client_secret)) => Auth::ClientCredentials {
            account_id,
            client_id,
            client_secret,
            token_url,
        },
    };
    let mut client = ClientConfig::new(auth);
    client.api_url = api_url;
    if let Some(n) = number("request_timeout") {
        client.request_timeout = Duration::from_secs_f64(n);
    }
    if let Some(n) = number("retry_timeout") {
        client.retry_budget = Duration::from_secs_f64(n);
    }
    if let Some(n) = number("max_attempts") {
        client.max_attempts = n.round().max(1.0) as u32;
    }
    client.rate_limits = plan.limits();
    if let Some(n) = per_second("rate_limit_light") {
        client.rate_limits.light_per_second = n;
    }
    if let Some(n) = per_second("rate_limit_medium") {
        client.rate_limits.medium_per_second = n;
    }
    let settings = Settings {
        client,
        allow_lockout: config.attr("allow_lockout").as_bool().unwrap_or(false),
        sub_account_id: sub_account_id.filter(|s| !s.is_empty()),
    };
    (Resolved::Ready(Box::new(settings)), diags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::AttrPath;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut v = Value::object(
            schema()
                .block
                .attributes
                .iter()
                .map(|a| (a.name.clone(), Value::Null)),
        );
        for (k, val) in pairs {
            v.set_attr(k, val.clone());
        }
        v
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    fn ready(r: Resolved) -> Settings {
        match r {
            Resolved::Ready(s) => *s,
            other => panic!("not ready: {other:?}"),
        }
    }

    /// The credentials as plain strings: (account_id, client_id, secret) or the token.
    fn credentials(s: &Settings) -> Result<(String, String, String), String> {
        match &s.client.auth {
            Auth::ClientCredentials {
                account_id,
                client_id,
                client_secret,
                ..
            } => Ok((
                account_id.clone(),
                client_id.clone(),
                client_secret.expose().to_string(),
            )),
            Auth::AccessToken(t) => Err(t.expose().to_string()),
        }
    }

    fn token_url(s: &Settings) -> String {
        match &s.client.auth {
            Auth::ClientCredentials { token_url, .. } => token_url.to_string(),
            Auth::AccessToken(_) => panic!("no token URL with an access token"),
        }
    }

    #[test]
    fn every_attribute_is_described_and_secrets_are_sensitive() {
        for a in schema().block.attributes {
            assert!(!a.description.is_empty(), "{} has no description", a.name);
            assert_eq!(
                a.sensitive,
                a.name == "client_secret" || a.name == "access_token",
                "{}",
                a.name
            );
        }
    }

    #[test]
    fn zoom_for_government_switches_both_urls_and_explicit_urls_win() {
        let creds = [
            ("ZOOM_ACCOUNT_ID", "acc"),
            ("ZOOM_CLIENT_ID", "cid"),
            ("ZOOM_CLIENT_SECRET", "sec"),
        ];
        let urls = |r: Resolved| {
            let s = ready(r);
            (s.client.api_url.to_string(), token_url(&s))
        };
        let gov = (
            "https://api.zoomgov.com/v2".to_string(),
            "https://zoomgov.com/oauth/token".to_string(),
        );
        let (r, d) = resolve(
            &config(&[("zoom_for_government", Value::Bool(true))]),
            &env(&creds),
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(urls(r), gov);

        let mut with_env = creds.to_vec();
        with_env.push(("ZOOM_FOR_GOVERNMENT", "true"));
        let (r, _) = resolve(&config(&[]), &env(&with_env));
        assert_eq!(urls(r), gov);

        // The block's false beats the environment's true.
        let (r, _) = resolve(
            &config(&[("zoom_for_government", Value::Bool(false))]),
            &env(&with_env),
        );
        assert_eq!(
            urls(r),
            (DEFAULT_API_URL.to_string(), DEFAULT_TOKEN_URL.to_string())
        );

        // An explicit URL wins, in the block or the environment.
        let mut explicit = with_env.clone();
        explicit.push(("ZOOM_TOKEN_URL", "http://127.0.0.1:9/oauth/token"));
        let (r, _) = resolve(
            &config(&[("api_url", "http://127.0.0.1:9/v2".into())]),
            &env(&explicit),
        );
        assert_eq!(
            urls(r),
            (
                "http://127.0.0.1:9/v2".to_string(),
                "http://127.0.0.1:9/oauth/token".to_string()
            )
        );

        let mut bad = creds.to_vec();
        bad.push(("ZOOM_FOR_GOVERNMENT", "gov"));
        let (r, d) = resolve(&config(&[]), &env(&bad));
        assert!(matches!(r, Resolved::Invalid));
        let text = format!("{d:?}");
        assert!(
            text.contains("ZOOM_FOR_GOVERNMENT") && text.contains("true"),
            "{text}"
        );
    }

    #[test]
    fn env_fills_in_and_defaults_apply() {
        let (r, d) = resolve(
            &config(&[("account_id", "acc".into())]),
            &env(&[("ZOOM_CLIENT_ID", "cid"), ("ZOOM_CLIENT_SECRET", "sec")]),
        );
        assert!(d.is_empty(), "{d:?}");
        let s = ready(r);
        assert_eq!(
            credentials(&s),
            Ok(("acc".into(), "cid".into(), "sec".into()))
        );
        assert_eq!(s.client.api_url.as_str(), DEFAULT_API_URL);
        assert_eq!(token_url(&s), DEFAULT_TOKEN_URL);
        // Unset knobs are the client's own defaults, Zoom's Pro plan among them.
        let defaults = ClientConfig::new(Auth::access_token("t"));
        assert_eq!(s.client.request_timeout, defaults.request_timeout);
        assert_eq!(s.client.retry_budget, defaults.retry_budget);
        assert_eq!(s.client.max_attempts, defaults.max_attempts);
        assert_eq!(s.client.rate_limits, RatePlan::Pro.limits());
        assert!(!s.allow_lockout, "the lock-out rail is on unless asked");
    }

    #[test]
    fn the_default_sub_account_is_not_the_apps_account() {
        let creds = [
            ("ZOOM_ACCOUNT_ID", "acc"),
            ("ZOOM_CLIENT_ID", "cid"),
            ("ZOOM_CLIENT_SECRET", "sec"),
        ];
        let (r, _) = resolve(&config(&[]), &env(&creds));
        assert_eq!(ready(r).sub_account_id, None);
        let mut with_env = creds.to_vec();
        with_env.push(("ZOOM_SUB_ACCOUNT_ID", " sub9 "));
        let (r, _) = resolve(&config(&[]), &env(&with_env));
        let s = ready(r);
        assert_eq!(s.sub_account_id.as_deref(), Some("sub9"));
        assert_eq!(
            credentials(&s).unwrap().0,
            "acc",
            "account_id stays the app's"
        );
        let (r, _) = resolve(
            &config(&[("sub_account_id", "sub1".into())]),
            &env(&with_env),
        );
        assert_eq!(
            ready(r).sub_account_id.as_deref(),
            Some("sub1"),
            "config wins"
        );
        for bad in ["a/b", " ", "x y"] {
            let d = validate(&config(&[("sub_account_id", bad.into())]));
            assert_eq!(d.0.len(), 1, "{bad:?}");
            assert_eq!(d.0[0].attribute, Some(AttrPath::attr("sub_account_id")));
        }
    }

    #[test]
    fn config_wins_over_env() {
        let (r, _) = resolve(
            &config(&[("access_token", "tok".into())]),
            &env(&[
                ("ZOOM_ACCOUNT_ID", "a"),
                ("ZOOM_CLIENT_ID", "b"),
                ("ZOOM_CLIENT_SECRET", "c"),
            ]),
        );
        assert_eq!(credentials(&ready(r)), Err("tok".into()));
    }

    #[test]
    fn missing_piece_names_attribute_and_env() {
        let (r, d) = resolve(&config(&[("client_id", "cid".into())]), &env(&[]));
        assert!(matches!(r, Resolved::Invalid));
        let secret = d
            .iter()
            .find(|d| d.summary == "Missing client_secret")
            .expect("client_secret diagnostic");
        assert_eq!(
            secret.attribute,
            Some(crate::tfplugin::AttrPath::attr("client_secret"))
        );
        assert!(secret.detail.contains("ZOOM_CLIENT_SECRET"));
    }

    #[test]
    fn nothing_at_all_explains_both_ways() {
        let (r, d) = resolve(&config(&[]), &env(&[]));
        assert!(matches!(r, Resolved::Invalid));
        assert!(d.0[0].detail.contains("ZOOM_ACCESS_TOKEN"));
    }

    #[test]
    fn bad_urls_are_diagnosed_at_the_attribute() {
        for bad in ["not a url", "ftp://x/y", "http://"] {
            let d = validate(&config(&[("api_url", bad.into())]));
            assert!(d.has_errors(), "{bad}");
            assert_eq!(
                d.0[0].attribute,
                Some(crate::tfplugin::AttrPath::attr("api_url"))
            );
            assert!(d.0[0].detail.contains("ZOOM_API_URL"));
        }
        let (_, d) = resolve(
            &config(&[("access_token", "t".into())]),
            &env(&[("ZOOM_TOKEN_URL", "zoom.us/oauth")]),
        );
        assert!(d.0[0].detail.contains("ZOOM_TOKEN_URL"), "{d:?}");
    }

    #[test]
    fn api_urls_zoom_would_answer_with_2300_are_warned_about() {
        for (url, summary) in [
            ("https://api.zoom.us", Some("api_url has no API version")),
            ("https://api.zoom.us/", Some("api_url has no API version")),
            ("https://zoom.us/v2", Some("api_url names Zoom's web host")),
            ("https://api.zoom.us/v2", None),
            ("https://api.zoomgov.com/v2", None),
            ("http://127.0.0.1:9440/v2", None),
        ] {
            let d = validate(&config(&[("api_url", url.into())]));
            assert!(!d.has_errors(), "{url}: only a warning");
            let got = d.iter().next().map(|d| d.summary.as_str());
            assert_eq!(got, summary, "{url}");
            // From the environment, resolve warns instead (validate never sees it).
            let (_, d) = resolve(
                &config(&[("access_token", "t".into())]),
                &env(&[("ZOOM_API_URL", url)]),
            );
            assert_eq!(
                d.iter().next().map(|d| d.summary.as_str()),
                summary,
                "{url}"
            );
            if summary.is_some() {
                assert_eq!(
                    d.0[0].attribute,
                    Some(crate::tfplugin::AttrPath::attr("api_url"))
                );
                assert!(d.0[0].detail.contains("2300"));
            }
        }
    }

    #[test]
    fn unknown_values_wait() {
        let (r, d) = resolve(&config(&[("client_secret", Value::Unknown)]), &env(&[]));
        assert!(d.is_empty());
        assert!(matches!(r, Resolved::Unknown(v) if v == vec!["client_secret"]));
    }

    #[test]
    fn conflicting_credentials() {
        let d = validate(&config(&[
            ("access_token", "t".into()),
            ("client_id", "c".into()),
        ]));
        assert!(d.has_errors());
    }

    #[test]
    fn tuning_knobs() {
        let (r, d) = resolve(
            &config(&[
                ("access_token", "t".into()),
                ("rate_limit_plan", "free".into()),
                ("rate_limit_medium", 1.into()),
                ("request_timeout", 5.into()),
            ]),
            &env(&[]),
        );
        assert!(d.is_empty());
        let s = ready(r);
        let l = s.client.rate_limits;
        assert_eq!((l.light_per_second, l.medium_per_second), (4, 1));
        assert_eq!(s.client.request_timeout, Duration::from_secs(5));
        let d = validate(&config(&[("max_attempts", 0.into())]));
        assert!(d.has_errors());
        let d = validate(&config(&[("rate_limit_plan", "gold".into())]));
        assert!(d.has_errors());
    }

    #[test]
    fn each_plan_brings_all_its_limits() {
        for (name, plan) in [
            ("free", RatePlan::Free),
            ("pro", RatePlan::Pro),
            ("business", RatePlan::Business),
        ] {
            let (r, d) = resolve(
                &config(&[
                    ("access_token", "t".into()),
                    ("rate_limit_plan", name.into()),
                ]),
                &env(&[]),
            );
            assert!(d.is_empty(), "{d:?}");
            // Heavy too: the free plan once kept Pro's 10/s there.
            assert_eq!(ready(r).client.rate_limits, plan.limits(), "{name}");
        }
        let (r, _) = resolve(
            &config(&[
                ("access_token", "t".into()),
                ("rate_limit_plan", "free".into()),
                ("rate_limit_light", 3.into()),
            ]),
            &env(&[]),
        );
        let l = ready(r).client.rate_limits;
        assert_eq!(
            (l.light_per_second, l.medium_per_second, l.heavy_per_second),
            (3, 2, 1)
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let (r, _) = resolve(
            &config(&[
                ("account_id", "a".into()),
                ("client_id", "b".into()),
                ("client_secret", "hunter2".into()),
            ]),
            &env(&[]),
        );
        let text = format!("{r:?}");
        assert!(!text.contains("hunter2") && text.contains("***"), "{text}");
        let (r, _) = resolve(&config(&[("access_token", "tok123".into())]), &env(&[]));
        let text = format!("{r:?}");
        assert!(!text.contains("tok123") && text.contains("***"), "{text}");
    }
}
