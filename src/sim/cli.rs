//! Command-line flags of the `zoom-sim` binary, parsed by hand into a [`SimConfig`].
//! Kept in the library so the parsing is unit-tested.

use std::path::PathBuf;

use super::config::{Plan, SimConfig};
use super::model::UserSeed;

/// Usage text for `--help`.
pub const USAGE: &str = "\
zoom-sim: a local simulator of Zoom's roles/users API and server-to-server OAuth.

Usage: zoom-sim [FLAGS]

Server
  --listen ADDR               loopback address to bind (default 127.0.0.1:0 = free port)
  --addr-file FILE            also write http://127.0.0.1:PORT to FILE once listening
  --seed N                    RNG seed (ids, tokens, latency, faults) for reproducible runs
  --log-capacity N            request-log entries kept (default 100000)
  -v, --verbose               log every request to stderr

Account
  --account-id ID             (default sim-account)
  --client-id ID              (default sim-client)
  --client-secret SECRET      (default sim-secret)
  --static-token TOKEN        accept TOKEN as a bearer token (repeatable, never expires)
  --users N                   owner@example.com plus user1..userN@example.com (default 10)
  --users-file FILE           JSON [{id,email,first_name,last_name,role_id?,type?,department?,status?}]
  --sub-accounts N            N sub-accounts sub1..subN (Master Account API, /v2/accounts/{id}/...),
                              each with owner@subK.example.com and --users N users of its own

Auth
  --token-lifetime SECS       lifetime of issued tokens, fractions allowed (default 3600)
  --token-lifetime-ms MS      same in milliseconds
  --scopes LIST               granted scopes, space- or comma-separated (default: all)
  --scope-style STYLE         auto|classic|granular: 4700 or 4711 on missing scopes (default auto)
  --single-token              one live token per app: a new token revokes earlier ones
  --token-api-url URL         api_url reported in token answers (default: this server)
  --app-user ID|EMAIL         the user the app acts as, answered by GET /users/me
                              (default: the account Owner)

Rate limits and faults
  --plan PLAN                 free|pro|business|off per-second limits (default off)
  --rate-limit-light N        Light requests per second
  --rate-limit-medium N       Medium requests per second
  --daily-limit N             API requests per UTC day, then Daily-limit 429s (0 = exhausted)
  --retry-after FORM          seconds|http-date|omit (default seconds)
  --latency-ms MS|MIN-MAX     added latency, uniform in the range
  --error-rate P              fraction of requests answered 500/502/503 (no change made)
  --rate-limit-rate P         fraction of requests answered with a per-second 429
  --drop-rate P               fraction of connections closed without an answer, AFTER the
                              request took effect
  --fault-route KEY           limit random faults to this route key (repeatable), e.g.
                              'POST /roles/{roleId}/members' or 'POST /oauth/token'

Behaviour
  --unpaid                    mutations answer HTTP 200 {code:200} and change nothing
  --refusal-body FORM         coded (default) | empty: the unpaid refusals' body, or {}
  --not-found-form FORM       1034 (default) | 300 | 200 | 404: how a missing role is answered
  --foreign-account-status S  400 (default) | 404: the HTTP status of code 2001 (not a sub-account)
  --member-list-lag-ms MS     member listings show membership as of MS ago
  --create-empty-body         POST /roles answers 201 with an empty body
  --delete-role-with-members POLICY   move-to-member (default) | reject
";

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Help,
    Run(Box<RunOptions>),
}

/// Options of a run.
#[derive(Debug)]
pub struct RunOptions {
    pub config: SimConfig,
    pub addr_file: Option<PathBuf>,
    pub verbose: bool,
}

fn parse_num<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("{flag}: not a valid number: {value:?}"))
}

fn parse_rate(flag: &str, value: &str) -> Result<f64, String> {
    let p: f64 = parse_num(flag, value)?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("{flag}: must be between 0 and 1, not {p}"))
    }
}

/// Read users from a JSON file.
pub fn read_users_file(path: &std::path::Path) -> Result<Vec<UserSeed>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("--users-file {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("--users-file {}: {e}", path.display()))
}

/// Parse the arguments after the program name. Accepts `--flag value` and `--flag=value`.
pub fn parse<I, S>(args: I) -> Result<Command, String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut config = SimConfig::default();
    let mut addr_file = None;
    let mut verbose = false;
    let mut users_n: Option<usize> = None;
    let mut users_file: Option<PathBuf> = None;
    let mut sub_accounts: Option<usize> = None;
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |flag: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => args.next().ok_or_else(|| format!("{flag} needs a value")),
            }
        };
        let s = &mut config.switches;
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-v" | "--verbose" => verbose = true,
            "--listen" => {
                let v = value(&flag)?;
                config.listen = v
                    .parse()
                    .map_err(|_| format!("--listen: not an address: {v:?}"))?;
            }
            "--addr-file" => addr_file = Some(PathBuf::from(value(&flag)?)),
            "--seed" => config.seed = Some(parse_num(&flag, &value(&flag)?)?),
            "--log-capacity" => config.log_capacity = parse_num(&flag, &value(&flag)?)?,
            "--account-id" => config.account_id = value(&flag)?,
            "--client-id" => config.client_id = value(&flag)?,
            "--client-secret" => config.client_secret = value(&flag)?,
            "--static-token" => config.static_tokens.push(value(&flag)?),
            "--users" => users_n = Some(parse_num(&flag, &value(&flag)?)?),
            "--users-file" => users_file = Some(PathBuf::from(value(&flag)?)),
            "--sub-accounts" => sub_accounts = Some(parse_num(&flag, &value(&flag)?)?),
            "--token-lifetime" => {
                let secs: f64 = parse_num(&flag, &value(&flag)?)?;
                s.set_token_lifetime_secs(secs)?;
            }
            "--token-lifetime-ms" => s.token_lifetime_ms = parse_num(&flag, &value(&flag)?)?,
            "--scopes" => {
                let v = value(&flag)?;
                s.scopes = Some(
                    v.split([' ', ','])
                        .filter(|x| !x.is_empty())
                        .map(str::to_string)
                        .collect(),
                );
            }
            "--scope-style" => s.scope_style = value(&flag)?.parse()?,
            "--single-token" => s.single_token = true,
            "--token-api-url" => s.token_api_url = Some(value(&flag)?),
            "--app-user" => s.app_user = Some(value(&flag)?),
            "--plan" => s.rate_limits = value(&flag)?.parse::<Plan>()?.limits(),
            "--rate-limit-light" => s.rate_limits.light = Some(parse_num(&flag, &value(&flag)?)?),
            "--rate-limit-medium" => s.rate_limits.medium = Some(parse_num(&flag, &value(&flag)?)?),
            "--daily-limit" => s.daily_limit = Some(parse_num(&flag, &value(&flag)?)?),
            "--retry-after" => s.retry_after = value(&flag)?.parse()?,
            "--latency-ms" => s.set_latency(&value(&flag)?)?,
            "--error-rate" => s.error_rate = parse_rate(&flag, &value(&flag)?)?,
            "--rate-limit-rate" => s.rate_limit_rate = parse_rate(&flag, &value(&flag)?)?,
            "--drop-rate" => s.drop_rate = parse_rate(&flag, &value(&flag)?)?,
            "--fault-route" => s.fault_routes.push(value(&flag)?),
            "--unpaid" => s.unpaid = true,
            "--refusal-body" => s.refusal_body = value(&flag)?.parse()?,
            "--not-found-form" => s.not_found_form = value(&flag)?.parse()?,
            "--foreign-account-status" => {
                s.foreign_account_status = parse_num(&flag, &value(&flag)?)?
            }
            "--member-list-lag-ms" => s.member_list_lag_ms = parse_num(&flag, &value(&flag)?)?,
            "--create-empty-body" => s.create_empty_body = true,
            "--delete-role-with-members" => s.delete_role_with_members = value(&flag)?.parse()?,
            other => return Err(format!("unknown flag {other:?} (see --help)")),
        }
    }
    match (users_n, users_file) {
        (Some(_), Some(_)) => return Err("use --users or --users-file, not both".into()),
        (Some(n), None) => config.users = UserSeed::generated(n),
        (None, Some(path)) => config.users = read_users_file(&path)?,
        (None, None) => {}
    }
    if let Some(n) = sub_accounts {
        config = config.with_sub_accounts(n, users_n.unwrap_or(10));
    }
    config.switches.validate()?;
    Ok(Command::Run(Box::new(RunOptions {
        config,
        addr_file,
        verbose,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::RetryAfterForm;

    fn run(args: &[&str]) -> RunOptions {
        match parse(args.iter().copied()) {
            Ok(Command::Run(o)) => *o,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn flags_fill_the_config() {
        let o = run(&[
            "--listen=127.0.0.1:4567",
            "--users",
            "3",
            "--plan",
            "pro",
            "--latency-ms",
            "20-50",
            "--retry-after",
            "http-date",
            "--static-token",
            "a",
            "--static-token",
            "b",
            "--token-lifetime",
            "0.25",
            "--unpaid",
            "--refusal-body",
            "empty",
            "--not-found-form=300",
            "--foreign-account-status",
            "404",
            "--single-token",
            "--token-api-url",
            "https://api.zoom.us",
            "--app-user",
            "user2@example.com",
        ]);
        let s = &o.config.switches;
        assert_eq!(o.config.listen.port(), 4567);
        assert_eq!(o.config.users.len(), 4);
        assert_eq!(s.rate_limits.light, Some(30));
        assert_eq!((s.latency_min_ms, s.latency_max_ms), (20, 50));
        assert_eq!(s.retry_after, RetryAfterForm::HttpDate);
        assert_eq!(o.config.static_tokens, vec!["a", "b"]);
        assert_eq!(s.token_lifetime_ms, 250);
        assert!(s.unpaid);
        assert_eq!(s.refusal_body, crate::sim::RefusalBody::Empty);
        assert_eq!(s.not_found_form, crate::sim::NotFoundForm::Code300);
        assert_eq!(s.foreign_account_status, 404);
        assert!(s.single_token);
        assert_eq!(s.token_api_url.as_deref(), Some("https://api.zoom.us"));
        assert_eq!(s.app_user.as_deref(), Some("user2@example.com"));
    }

    #[test]
    fn sub_accounts_get_users_of_their_own() {
        let o = run(&["--users", "2", "--sub-accounts", "2"]);
        let ids: Vec<&str> = o
            .config
            .sub_accounts
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        assert_eq!(ids, ["sub1", "sub2"]);
        let emails: Vec<&str> = o.config.sub_accounts[1]
            .1
            .iter()
            .map(|u| u.email.as_str())
            .collect();
        assert_eq!(
            emails,
            [
                "owner@sub2.example.com",
                "user1@sub2.example.com",
                "user2@sub2.example.com"
            ]
        );
        assert_eq!(o.config.sub_accounts[1].1[1].id, "s2u00001");
    }

    #[test]
    fn bad_flags_are_errors() {
        assert!(parse(["--nope"]).is_err());
        assert!(parse(["--drop-rate", "2"]).is_err());
        assert!(parse(["--users"]).is_err());
        assert!(parse(["--latency-ms", "50-20"]).is_err());
        assert!(parse(["--not-found-form", "418"]).is_err());
        assert!(parse(["--refusal-body", "rude"]).is_err());
        assert!(matches!(parse(["--help"]), Ok(Command::Help)));
    }
}
