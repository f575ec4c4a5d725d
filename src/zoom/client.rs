//! [`ZoomClient`]: the typed async client for Zoom's roles API, and the request loop every
//! API call goes through (token, rate-limit slot, then the shared transport's send,
//! classify and retry, see `transport.rs`, which token fetches use too). Owns the renewals
//! on code 124 and, at each mutation, the reasoning for why repeating it is safe.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Map, Value};
use tokio::time::Instant;
use tracing::debug;
use url::Url;

use super::auth::{FetchContext, Token, TokenSource, FETCH_TOKEN};
use super::config::{Auth, ClientConfig};
use super::error::{self, AuthMode, Endpoint, Error, ErrorKind};
use super::limiter::RateLimiter;
use super::model::{
    AssignBody, AssignResult, CreateRole, Member, MemberRef, Role, UpdateRole, User,
};
use super::retry::Backoff;
use super::stats::{ClientStats, Counters, Operation};
use super::transport::{self, Failure, RetryState, Target};

/// Most members Zoom accepts in one `POST /roles/{id}/members`.
pub const MAX_MEMBERS_PER_ASSIGN: usize = 30;
/// Page size used for member and user listings (Zoom's maximum).
pub const MEMBERS_PAGE_SIZE: u32 = 300;
/// Safety stop for listings whose tokens never end.
const MAX_PAGES: usize = 10_000;
/// Most token renewals one request makes after code 124. Another client of the same app
/// can end our token at any moment (Zoom has ended older tokens when a new one is issued),
/// so one renewal is not enough; a bound keeps a token that Zoom never accepts from
/// becoming a loop.
const MAX_RENEWALS: u32 = 6;

/// The Zoom client. Cheap to clone: clones share the HTTP connection pool, the access
/// token, the rate-limit buckets and the counters.
#[derive(Clone)]
pub struct ZoomClient {
    inner: Arc<Inner>,
    /// The sub-account this handle calls through the Master Account API
    /// (`/accounts/{accountId}/...`); `None` = the app's own account.
    account: Option<Arc<str>>,
}

impl std::fmt::Debug for ZoomClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZoomClient")
            .field("config", &self.inner.cfg)
            .field("account", &self.account)
            .finish()
    }
}

struct Inner {
    http: reqwest::Client,
    cfg: ClientConfig,
    tokens: TokenSource,
    limiter: RateLimiter,
    counters: Counters,
    backoff: Backoff,
}

/// One HTTP exchange to describe.
struct Req<'a> {
    op: Operation,
    /// Human description for errors, e.g. "assign members to role 1".
    what: &'a str,
    method: Method,
    path: Vec<&'a str>,
    query: Vec<(&'a str, String)>,
    body: Option<Value>,
    /// Whether the loop may repeat the request after a transient failure (an answer that
    /// may have been lost). False only for create, which looks first.
    retry_transient: bool,
}

impl<'a> Req<'a> {
    /// A read (`GET`): repeating it after a lost answer is always safe.
    fn get(op: Operation, what: &'a str, path: Vec<&'a str>) -> Self {
        Req {
            op,
            what,
            method: Method::GET,
            path,
            query: Vec::new(),
            body: None,
            retry_transient: true,
        }
    }

    /// A `DELETE`, repeated after a transient failure (each caller says why that is safe).
    fn delete(op: Operation, what: &'a str, path: Vec<&'a str>) -> Self {
        Req {
            method: Method::DELETE,
            ..Req::get(op, what, path)
        }
    }

    /// A `POST` or `PATCH` with a JSON body, repeated after a transient failure unless
    /// [`Req::not_repeated`] says otherwise (each caller says why repeating is safe).
    fn with_body(
        op: Operation,
        what: &'a str,
        method: Method,
        path: Vec<&'a str>,
        body: Value,
    ) -> Self {
        Req {
            method,
            body: Some(body),
            ..Req::get(op, what, path)
        }
    }

    /// Query parameters.
    fn query(self, query: Vec<(&'a str, String)>) -> Self {
        Req { query, ..self }
    }

    /// Never repeated by the request loop after a transient failure: the caller decides.
    fn not_repeated(self) -> Self {
        Req {
            retry_transient: false,
            ..self
        }
    }
}

/// A paginated `GET` to follow to the end with [`ZoomClient::list_all`].
struct Listing<'a> {
    op: Operation,
    /// Human description for errors, e.g. "list users".
    what: String,
    path: Vec<&'a str>,
    /// Query parameters besides `page_size` and `next_page_token`.
    query: Vec<(&'a str, String)>,
    /// The field holding the page's items, e.g. `members`.
    items: &'a str,
}

/// A successful answer.
struct Resp {
    status: u16,
    body: Vec<u8>,
}

fn json_object(what: &str, resp: &Resp) -> Result<Map<String, Value>, Error> {
    match serde_json::from_slice::<Value>(&resp.body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::invalid_response(
            what,
            resp.status,
            "the answer is not a JSON object",
        )),
        Err(_) if resp.body.iter().all(u8::is_ascii_whitespace) => Err(Error::invalid_response(
            what,
            resp.status,
            "the answer is empty",
        )),
        Err(_) => Err(Error::invalid_response(
            what,
            resp.status,
            "the answer is not JSON",
        )),
    }
}

impl ZoomClient {
    /// Build a client. Fails with [`ErrorKind::Configuration`] on an unusable URL or an
    /// empty credential. No request is sent until the first call.
    pub fn new(cfg: ClientConfig) -> Result<Self, Error> {
        if cfg.api_url.cannot_be_a_base() || !matches!(cfg.api_url.scheme(), "http" | "https") {
            return Err(Error::configuration(format!(
                "api_url {:?} is not an http(s) URL",
                cfg.api_url.as_str()
            )));
        }
        match &cfg.auth {
            Auth::AccessToken(t) if t.is_empty() => {
                return Err(Error::configuration("access_token is empty"));
            }
            Auth::ClientCredentials {
                account_id,
                client_id,
                client_secret,
                token_url,
            } => {
                for (name, empty) in [
                    ("account_id", account_id.trim().is_empty()),
                    ("client_id", client_id.trim().is_empty()),
                    ("client_secret", client_secret.is_empty()),
                ] {
                    if empty {
                        return Err(Error::configuration(format!("{name} is empty")));
                    }
                }
                if !matches!(token_url.scheme(), "http" | "https") {
                    return Err(Error::configuration(format!(
                        "token_url {:?} is not an http(s) URL",
                        token_url.as_str()
                    )));
                }
            }
            _ => {}
        }
        let http = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .connect_timeout(cfg.request_timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(50));
        let http = super::roots::trust(http)
            .and_then(reqwest::ClientBuilder::build)
            .map_err(|e| Error::configuration(format!("cannot build the HTTP client: {e}")))?;
        let backoff = Backoff {
            initial: cfg.backoff_initial,
            max: cfg.backoff_max.max(cfg.backoff_initial),
        };
        Ok(ZoomClient {
            inner: Arc::new(Inner {
                http,
                tokens: TokenSource::new(&cfg.auth),
                limiter: RateLimiter::new(&cfg.rate_limits),
                counters: Counters::default(),
                backoff,
                cfg,
            }),
            account: None,
        })
    }

    /// A handle on sub-account `account_id` of the app's account: the same calls, through
    /// Zoom's Master Account API (`/accounts/{accountId}/roles`, ...; the `:master` scopes,
    /// see [`super::endpoints::MasterForm`]). It shares this client's token, connection
    /// pool, rate-limit buckets and counters: one token serves every account.
    pub fn for_account(&self, account_id: &str) -> ZoomClient {
        ZoomClient {
            inner: self.inner.clone(),
            account: Some(Arc::from(account_id)),
        }
    }

    /// The sub-account this handle calls, if any.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.cfg
    }

    /// A snapshot of the client's counters (shared by all clones).
    pub fn stats(&self) -> ClientStats {
        self.inner.counters.snapshot()
    }

    /// Fetches the access token before any request needs it, so the first requests don't
    /// queue behind the fetch (the provider calls this at ConfigureProvider, while
    /// Terraform is still building its graph). A failure is only logged: the first real
    /// request fetches again and reports it.
    pub async fn prefetch_token(&self) {
        if let Err(e) = self.inner.tokens.get(&self.fetch_context()).await {
            tracing::debug!(target: "zoom::auth", error = %e, "token prefetch failed; the first request will try again");
        }
    }

    // ---- roles ---------------------------------------------------------------------------

    /// `GET /roles[?type=]`: every role of the account (`role_type` `common` or `iq`; Zoom's
    /// default is `common`). Not paginated by Zoom. Entries without an id are skipped.
    pub async fn list_roles(&self, role_type: Option<&str>) -> Result<Vec<Role>, Error> {
        let what = match role_type {
            Some(t) => format!("list roles of type {t}"),
            None => "list roles".to_owned(),
        };
        let mut query = Vec::new();
        if let Some(t) = role_type {
            query.push(("type", t.to_owned()));
        }
        let req = Req::get(Operation::ListRoles, &what, vec!["roles"]).query(query);
        let resp = self.execute_simple(&req).await?;
        let obj = json_object(&what, &resp)?;
        let roles = match obj.get("roles") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_object().and_then(Role::from_json))
                .collect(),
            None | Some(Value::Null) => Vec::new(),
            Some(_) => {
                return Err(Error::invalid_response(
                    &what,
                    resp.status,
                    "`roles` is not a list",
                ));
            }
        };
        Ok(roles)
    }

    /// `POST /roles`. Accepts Zoom's 201 with the role, or an empty 201 (then the role is
    /// found by name). Never creates a role twice: see the comments inside.
    pub async fn create_role(&self, req: &CreateRole) -> Result<Role, Error> {
        let what = format!("create role {:?}", req.name);
        let body = serde_json::to_value(req)
            .map_err(|e| Error::configuration(format!("cannot encode the role: {e}")))?;
        // Creating twice is NOT safe to repeat blindly: a lost answer may hide a role that
        // now exists. The loop below looks the role up by name before retrying.
        let r = Req::with_body(
            Operation::CreateRole,
            &what,
            Method::POST,
            vec!["roles"],
            body,
        )
        .not_repeated();
        let mut st = self.retry_state();
        loop {
            match self.execute(&r, &mut st).await {
                Ok(resp) => return self.created_role(req, &what, &resp).await,
                Err(e) if e.kind() == &ErrorKind::Transient => {
                    // The create may have been carried out before the failure: if the role
                    // exists now, it is ours. If the lookup itself fails we still retry:
                    // Zoom's unique names turn a duplicate create into a 1224, handled below.
                    if let Ok(Some(role)) = self
                        .find_role_by_name(&req.name, req.role_type.as_deref())
                        .await
                    {
                        debug!(target: "zoom", role_id = %role.id, "create_role: found the role after a lost answer");
                        return Ok(self.complete_role(role, req).await);
                    }
                    match st.plan_retry(&e, None, &self.inner.backoff) {
                        Some(d) => tokio::time::sleep(d).await,
                        None => return Err(e),
                    }
                }
                Err(e) if e.is_name_conflict() && st.ambiguous => {
                    // An earlier attempt whose answer was lost created it after all (the
                    // lookup before the retry did not see it yet).
                    if let Ok(Some(role)) = self
                        .find_role_by_name(&req.name, req.role_type.as_deref())
                        .await
                    {
                        return Ok(self.complete_role(role, req).await);
                    }
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn created_role(&self, req: &CreateRole, what: &str, resp: &Resp) -> Result<Role, Error> {
        let parsed = serde_json::from_slice::<Value>(&resp.body)
            .ok()
            .and_then(|v| v.as_object().and_then(Role::from_json));
        if let Some(mut role) = parsed {
            // Fill what Zoom left out from what we asked for.
            if role.name.is_empty() {
                role.name = req.name.clone();
            }
            if role.description.is_none() {
                role.description = req.description.clone();
            }
            if role.role_type.is_none() {
                role.role_type = req.role_type.clone();
            }
            if role.privileges.is_none() {
                role.privileges = Some(req.privileges.clone());
            }
            return Ok(role);
        }
        // Empty (or id-less) 201: find it by name, allowing a moment of read-after-write lag.
        for pause_ms in [0u64, 250, 1000] {
            tokio::time::sleep(Duration::from_millis(pause_ms)).await;
            if let Some(role) = self
                .find_role_by_name(&req.name, req.role_type.as_deref())
                .await?
            {
                return Ok(self.complete_role(role, req).await);
            }
        }
        Err(Error::refused(
            what,
            resp.status,
            format!(
                "Zoom answered HTTP {} without the new role, and no role named {:?} appeared in the \
                 role list: Zoom did not create it",
                resp.status, req.name
            ),
        ))
    }

    /// A role found in the role list lacks its privileges: read it in full, or fill the
    /// gaps from the create request if that read fails.
    async fn complete_role(&self, found: Role, req: &CreateRole) -> Role {
        match self.get_role(&found.id).await {
            Ok(full) => full,
            Err(_) => Role {
                privileges: found.privileges.or_else(|| Some(req.privileges.clone())),
                description: found.description.or_else(|| req.description.clone()),
                ..found
            },
        }
    }

    /// The role named `name` (exact match first, else the only case-insensitive match).
    pub async fn find_role_by_name(
        &self,
        name: &str,
        role_type: Option<&str>,
    ) -> Result<Option<Role>, Error> {
        let roles = self.list_roles(role_type).await?;
        if let Some(r) = roles.iter().find(|r| r.name == name) {
            return Ok(Some(r.clone()));
        }
        let mut ci = roles
            .into_iter()
            .filter(|r| r.name.eq_ignore_ascii_case(name));
        match (ci.next(), ci.next()) {
            (Some(r), None) => Ok(Some(r)),
            _ => Ok(None),
        }
    }

    /// `GET /roles/{roleId}`.
    pub async fn get_role(&self, role_id: &str) -> Result<Role, Error> {
        let what = format!("get role {role_id}");
        let req = Req::get(Operation::GetRole, &what, vec!["roles", role_id]);
        let resp = self.execute_simple(&req).await?;
        let obj = json_object(&what, &resp)?;
        let mut role = Role::from_json(&obj).unwrap_or_default();
        if role.id.is_empty() {
            // Some answers omit the id of the role asked for.
            if obj.get("name").is_none() {
                return Err(Error::invalid_response(
                    &what,
                    resp.status,
                    "the answer has no role",
                ));
            }
            role.id = role_id.to_owned();
        }
        Ok(role)
    }

    /// `PATCH /roles/{roleId}` with only the fields set in `req`. Does nothing when `req`
    /// changes nothing.
    pub async fn update_role(&self, role_id: &str, req: &UpdateRole) -> Result<(), Error> {
        if req == &UpdateRole::default() {
            return Ok(());
        }
        let what = format!("update role {role_id}");
        let body = serde_json::to_value(req)
            .map_err(|e| Error::configuration(format!("cannot encode the role update: {e}")))?;
        // PATCH sets fields to given values: applying it twice leaves the same role.
        let r = Req::with_body(
            Operation::UpdateRole,
            &what,
            Method::PATCH,
            vec!["roles", role_id],
            body,
        );
        self.execute_simple(&r).await.map(|_| ())
    }

    /// `DELETE /roles/{roleId}`. A role that does not exist is an error
    /// ([`Error::is_not_found`]) unless an earlier attempt of this call may have deleted it.
    pub async fn delete_role(&self, role_id: &str) -> Result<(), Error> {
        let what = format!("delete role {role_id}");
        // Repeating a DELETE is safe: if the first attempt deleted the role and its answer
        // was lost, the retry answers "not found", which counts as success.
        let r = Req::delete(Operation::DeleteRole, &what, vec!["roles", role_id]);
        let mut st = self.retry_state();
        match self.execute(&r, &mut st).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() && st.ambiguous => Ok(()),
            Err(e) => Err(e),
        }
    }

    // ---- members -------------------------------------------------------------------------

    /// `GET /roles/{roleId}/members?page_size=300`, following `next_page_token` to the end.
    /// Members are de-duplicated by id (by email for id-less pending users), in first-seen
    /// order; Zoom's `total_records` is not trusted. If Zoom rejects an expired page token
    /// (code 300) the listing restarts once from the first page.
    pub async fn list_members(&self, role_id: &str) -> Result<Vec<Member>, Error> {
        let listing = Listing {
            op: Operation::ListMembers,
            what: format!("list members of role {role_id}"),
            path: vec!["roles", role_id, "members"],
            query: Vec::new(),
            items: "members",
        };
        self.list_all(&listing, Member::from_json, |m| {
            if m.id.is_empty() {
                format!("email:{}", m.email.to_lowercase())
            } else {
                format!("id:{}", m.id)
            }
        })
        .await
    }

    /// `POST /roles/{roleId}/members`. Takes any number    /// `POST /roles/{roleId}/members`. Takes any number of members and sends them in chunks
    /// of [`MAX_MEMBERS_PER_ASSIGN`] (30, Zoom's limit), one after another; the first failing
    /// chunk ends the call (earlier chunks stay assigned). An empty slice sends nothing.
    /// Assigning moves a user out of their previous role (a user holds one role).
    pub async fn assign_members(
        &self,
        role_id: &str,
        members: &[MemberRef],
    ) -> Result<AssignResult, Error> {
        let what = format!("assign members to role {role_id}");
        let mut result = AssignResult::default();
        for chunk in members.chunks(MAX_MEMBERS_PER_ASSIGN) {
            let body = serde_json::to_value(AssignBody { members: chunk })
                .map_err(|e| Error::configuration(format!("cannot encode the members: {e}")))?;
            // Assigning a user to the role they already hold is harmless: repeating the
            // POST after a lost answer leaves the same membership.
            let r = Req::with_body(
                Operation::AssignMembers,
                &what,
                Method::POST,
                vec!["roles", role_id, "members"],
                body,
            );
            let resp = self.execute_simple(&r).await?;
            if let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(&resp.body) {
                let part = AssignResult::from_json(&obj);
                result.ids.extend(part.ids);
                if part.add_at.is_some() {
                    result.add_at = part.add_at;
                }
            }
        }
        Ok(result)
    }

    /// `DELETE /roles/{roleId}/members/{memberId}`: the user falls back to the Member role.
    /// Zoom refuses a user who does not hold the role ("not found", or code 300 "not a
    /// member"). When an earlier attempt of this call may have removed the member (its
    /// answer was lost), such a refusal comes back marked [`Error::after_lost_answer`]:
    /// whether a user who no longer holds the role counts as unassigned is the caller's
    /// rule, not the client's.
    pub async fn unassign_member(&self, role_id: &str, member_id: &str) -> Result<(), Error> {
        let what = format!("unassign member {member_id} from role {role_id}");
        let r = Req::delete(
            Operation::UnassignMember,
            &what,
            vec!["roles", role_id, "members", member_id],
        );
        let mut st = self.retry_state();
        match self.execute(&r, &mut st).await {
            Ok(_) => Ok(()),
            Err(e) if st.ambiguous => Err(e.with_lost_answer()),
            Err(e) => Err(e),
        }
    }

    // ---- users ---------------------------------------------------------------------------

    /// `GET /users/{userId or email}`: the user with their one role (`role_id`, `role_name`).
    pub async fn get_user(&self, id_or_email: &str) -> Result<User, Error> {
        let what = format!("get user {id_or_email}");
        let req = Req::get(Operation::GetUser, &what, vec!["users", id_or_email]);
        let resp = self.execute_simple(&req).await?;
        let obj = json_object(&what, &resp)?;
        User::from_json(&obj)
            .ok_or_else(|| Error::invalid_response(&what, resp.status, "the answer has no user id"))
    }

    /// `GET /users/me`: the user this client's token acts as, with their one role. A
    /// Server-to-Server OAuth token acts as the app's owner (the user who created the app,
    /// or to whom it was transferred): Zoom's reference takes `me` for `userId`, and an
    /// app's admin-level scopes last only while that user holds a role that grants them.
    /// The same endpoint, scopes (`user:read:admin`, granular `user:read:user:admin`) and
    /// Light rate category as [`ZoomClient::get_user`].
    pub async fn get_me(&self) -> Result<User, Error> {
        self.get_user("me").await
    }

    /// `GET /users?status=active&page_size=300`, following `next_page_token` to the end:
    /// every active user of the account with their role id (and role name when Zoom gives
    /// it), in a few Medium-category calls (300 users per page) instead of one `get_user`
    /// each. De-duplicated by id in first-seen order (users whose status changes between
    /// pages can shift the listing); entries without an id are skipped. An expired page
    /// token restarts the listing once, as in [`ZoomClient::list_members`].
    pub async fn list_users(&self) -> Result<Vec<User>, Error> {
        let listing = Listing {
            op: Operation::ListUsers,
            what: "list users".to_owned(),
            path: vec!["users"],
            query: vec![("status", "active".to_owned())],
            items: "users",
        };
        self.list_all(&listing, User::from_json, |u| u.id.clone())
            .await
    }

    // ---- pagination ----------------------------------------------------------------------

    /// Every item of a paginated listing: `page_size=300`, following `next_page_token` until
    /// it is empty. Items are parsed with `parse` (unparseable ones skipped) and
    /// de-duplicated by `key` in first-seen order, since offsets shift when the listing
    /// changes between pages. A rejected page token (code 300, e.g. expired after 15
    /// minutes) restarts the listing once from the first page; a repeated token or more
    /// than [`MAX_PAGES`] pages is an error rather than an endless loop.
    async fn list_all<T>(
        &self,
        listing: &Listing<'_>,
        parse: impl Fn(&Map<String, Value>) -> Option<T>,
        key: impl Fn(&T) -> String,
    ) -> Result<Vec<T>, Error> {
        let what = listing.what.as_str();
        let mut restarted = false;
        'listing: loop {
            let mut items: Vec<T> = Vec::new();
            let mut seen: HashSet<String> = HashSet::new();
            let mut tokens_seen: HashSet<String> = HashSet::new();
            let mut page_token: Option<String> = None;
            for _ in 0..MAX_PAGES {
                let mut query = listing.query.clone();
                query.push(("page_size", MEMBERS_PAGE_SIZE.to_string()));
                if let Some(t) = &page_token {
                    query.push(("next_page_token", t.clone()));
                }
                let req = Req::get(listing.op, what, listing.path.clone()).query(query);
                let resp = match self.execute_simple(&req).await {
                    Ok(r) => r,
                    Err(e)
                        if page_token.is_some()
                            && !restarted
                            && e.kind() == &ErrorKind::Validation
                            && e.zoom_code() == Some(300) =>
                    {
                        debug!(target: "zoom", operation = listing.op.name(), "page token rejected, restarting the listing");
                        restarted = true;
                        continue 'listing;
                    }
                    Err(e) => return Err(e),
                };
                let obj = json_object(what, &resp)?;
                match obj.get(listing.items) {
                    Some(Value::Array(page)) => {
                        for item in page.iter().filter_map(|i| i.as_object().and_then(&parse)) {
                            if seen.insert(key(&item)) {
                                items.push(item);
                            }
                        }
                    }
                    None | Some(Value::Null) => {}
                    Some(_) => {
                        return Err(Error::invalid_response(
                            what,
                            resp.status,
                            format!("`{}` is not a list", listing.items),
                        ));
                    }
                }
                match page_token_of(obj.get("next_page_token")) {
                    None => return Ok(items),
                    Some(t) => {
                        if !tokens_seen.insert(t.clone()) {
                            return Err(Error::invalid_response(
                                what,
                                resp.status,
                                "Zoom repeated a next_page_token: the listing would never end",
                            ));
                        }
                        page_token = Some(t);
                    }
                }
            }
            return Err(Error::invalid_response(
                what,
                200,
                format!("more than {MAX_PAGES} pages of {}", listing.items),
            ));
        }
    }

    // ---- sub-accounts --------------------------------------------------------------------

    /// `GET /accounts?page_size=300`, following `next_page_token` to the end: the ids of
    /// the sub-accounts of the app's account (a master account). De-duplicated in
    /// first-seen order; entries without an id are skipped.
    pub async fn list_sub_accounts(&self) -> Result<Vec<String>, Error> {
        let listing = Listing {
            op: Operation::ListSubAccounts,
            what: "list sub-accounts".to_owned(),
            path: vec!["accounts"],
            query: Vec::new(),
            items: "accounts",
        };
        self.list_all(
            &listing,
            |o| super::model::lenient_string(o.get("id")).filter(|s| !s.is_empty()),
            String::clone,
        )
        .await
    }

    // ---- the request loop ----------------------------------------------------------------

    /// Which form of the REST API `op` is answered by, for classifying answers.
    fn endpoint(&self, op: Operation) -> Endpoint {
        match (&self.account, op) {
            (Some(_), op) if op != Operation::ListSubAccounts => Endpoint::Master(op),
            _ => Endpoint::Api(op),
        }
    }

    async fn execute_simple(&self, req: &Req<'_>) -> Result<Resp, Error> {
        let mut st = self.retry_state();
        self.execute(req, &mut st).await
    }

    /// Retry bookkeeping for one request, with the configured budget and attempts.
    fn retry_state(&self) -> RetryState {
        RetryState::new(self.inner.cfg.retry_budget, self.inner.cfg.max_attempts)
    }

    fn url(&self, req: &Req<'_>) -> Result<Url, Error> {
        let mut url = self.inner.cfg.api_url.clone();
        {
            let mut segs = url
                .path_segments_mut()
                .map_err(|_| Error::configuration("api_url cannot take a path"))?;
            segs.pop_if_empty();
            // The Master Account API mirrors every endpoint the client calls under
            // /accounts/{accountId}; listing the sub-accounts is itself such a call.
            if let (Some(account), true) = (&self.account, req.op != Operation::ListSubAccounts) {
                segs.push("accounts");
                segs.push(account);
            }
            for p in &req.path {
                segs.push(p);
            }
        }
        if !req.query.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in &req.query {
                q.append_pair(k, v);
            }
        }
        Ok(url)
    }

    fn fetch_context(&self) -> FetchContext<'_> {
        let i = &self.inner;
        FetchContext {
            http: &i.http,
            counters: &i.counters,
            request_timeout: i.cfg.request_timeout,
            retry_budget: i.cfg.retry_budget,
            max_attempts: i.cfg.max_attempts,
            backoff: i.backoff,
        }
    }

    /// Send `req` until it succeeds, fails for good, or (when `retry_transient` is false)
    /// fails transiently. Renews the token on 124 (at most MAX_RENEWALS times). Every attempt takes a rate-limit
    /// slot of the operation's category.
    async fn execute(&self, req: &Req<'_>, st: &mut RetryState) -> Result<Resp, Error> {
        let inner = &*self.inner;
        let url = self.url(req)?;
        let mode = inner.tokens.mode();
        let target = Target {
            what: req.what,
            method: &req.method,
            url: &url,
            endpoint: self.endpoint(req.op),
            mode,
        };
        loop {
            let get_token = || async {
                inner.tokens.get(&self.fetch_context()).await.map_err(|e| {
                    let op = e.operation().to_owned();
                    if op == FETCH_TOKEN {
                        e.with_operation(format!("{FETCH_TOKEN} (to {})", req.what))
                    } else {
                        e
                    }
                })
            };
            // The token first (a fetch happens before the rate-limit slot is taken, so
            // the slot's send is not delayed), then the slot; after a wait in the limiter,
            // ask again: another caller may have renewed the token meanwhile (another
            // client of the same app ended it), which saves a 124. A cached token costs
            // nothing to ask for.
            let mut token: Token = get_token().await?;
            let waited = inner.limiter.acquire(req.op.category()).await;
            inner.counters.limiter_wait(waited);
            if !waited.is_zero() {
                token = get_token().await?;
            }
            st.start_attempt(&inner.counters);
            inner.counters.request(req.op);
            let mut builder = inner
                .http
                .request(req.method.clone(), url.clone())
                .bearer_auth(token.value.expose())
                .header(reqwest::header::ACCEPT, "application/json")
                .timeout(inner.cfg.request_timeout);
            if let Some(body) = &req.body {
                builder = builder.json(body);
            }
            let Failure {
                error: err,
                retry_after,
            } = match transport::attempt(builder, &target, st, &inner.counters).await {
                // A 2xx can still be a refusal or "not found": see error::check_success.
                Ok(answer) => {
                    match error::check_success(
                        self.endpoint(req.op),
                        req.what,
                        &answer.meta,
                        &answer.body,
                        mode,
                    ) {
                        Ok(()) => {
                            return Ok(Resp {
                                status: answer.meta.status,
                                body: answer.body,
                            })
                        }
                        Err(error) => Failure {
                            error,
                            retry_after: answer.retry_after,
                        },
                    }
                }
                Err(failure) => failure,
            };
            if err.kind() == &ErrorKind::Authentication {
                // 124 (or a bare 401): the token is invalid, expired, or ended because
                // another client of the same app took a new one. With client credentials
                // drop exactly this token (concurrent callers then queue behind one fetch,
                // see auth::TokenSource) and repeat the request: it was rejected, not
                // carried out. The first renewal is immediate; later ones for the same
                // request back off, within the retry budget and at most MAX_RENEWALS
                // times. A static token cannot be renewed.
                if mode == AuthMode::ClientCredentials && st.renewals < MAX_RENEWALS {
                    let delay = match st.renewals {
                        0 => Duration::ZERO,
                        n => inner.backoff.delay(n, &mut rand::rng()),
                    };
                    let within_budget = st.deadline.is_none_or(|d| Instant::now() + delay <= d);
                    if within_budget {
                        st.renewals += 1;
                        inner.counters.token_renewal();
                        debug!(
                            target: "zoom",
                            operation = req.op.name(),
                            renewal = st.renewals,
                            delay_ms = delay.as_millis() as u64,
                            "token rejected, renewing"
                        );
                        inner.tokens.invalidate(token.generation).await;
                        if !delay.is_zero() {
                            tokio::time::sleep(delay).await;
                        }
                        continue;
                    }
                }
                return Err(err.with_attempts(st.attempts));
            }
            if err.kind() == &ErrorKind::Transient && !req.retry_transient {
                return Err(err.with_attempts(st.attempts));
            }
            match st.plan_retry(&err, retry_after, &inner.backoff) {
                Some(delay) => {
                    debug!(
                        target: "zoom",
                        operation = req.op.name(),
                        attempt = st.attempts,
                        delay_ms = delay.as_millis() as u64,
                        kind = ?err.kind(),
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                None => return Err(err.with_attempts(st.attempts)),
            }
        }
    }
}

/// `next_page_token` as a non-empty string, or `None` at the end.
fn page_token_of(v: Option<&Value>) -> Option<String> {
    super::model::lenient_string(v).filter(|t| !t.trim().is_empty())
}
