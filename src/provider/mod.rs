//! The `zoom` provider: its configuration block (`config`) and, one file each, the resources
//! and data sources it serves. Resources reach Zoom through the [`account::Account`] that
//! `ConfigureProvider` makes, found in the shared [`ProviderData`].

pub mod account;
pub mod cache;
pub mod claims;
pub mod config;
pub mod data_source_role;
pub mod data_source_role_members;
pub mod data_source_roles;
pub mod data_source_user;
mod errors;
mod import_check;
pub mod lockout;
pub mod resource_role;
pub mod resource_role_members;
pub mod resource_role_membership;
mod shared;

/// The membership resource's old path, which tests/prop_parsing.rs names.
pub use resource_role_membership as role_membership;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use async_trait::async_trait;

use crate::tfplugin::{DataSource, Diagnostic, Diagnostics, Provider, Resource, Schema, Value};
use crate::zoom::ZoomClient;
use account::Account;
use claims::Claims;
use config::{Resolved, Settings};

/// Where `terraform init` finds this provider.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/zoom-community/zoom";

/// State shared between the provider and its resources.
#[derive(Default)]
pub struct ProviderData {
    configured: RwLock<Option<Configured>>,
    /// What this process's plans claim (one user one role; one way to manage a role).
    pub claims: Claims,
}

/// A configured provider: its settings, the app's own Zoom account, and the sub-accounts
/// resources have named so far. One token serves them all; each account has its own
/// handle (cache and assign batcher), so two accounts never share a member list or a
/// batch.
pub struct Ready {
    pub settings: Settings,
    /// The app's own account.
    pub account: Arc<Account>,
    /// Sub-accounts by id, each made at first use.
    sub_accounts: Mutex<HashMap<String, Arc<Account>>>,
}

impl Ready {
    pub fn new(settings: Settings, client: ZoomClient) -> Ready {
        Ready {
            settings,
            account: Arc::new(Account::new(client)),
            sub_accounts: Mutex::new(HashMap::new()),
        }
    }

    /// The account `account_id` names: `None` (or Zoom's `me`) is the app's own account,
    /// anything else a sub-account, reached through the Master Account API.
    pub fn account_for(&self, account_id: Option<&str>) -> Arc<Account> {
        match account_id.map(str::trim) {
            None | Some("") | Some("me") => self.account.clone(),
            Some(id) => {
                let mut subs = self.sub_accounts.lock().unwrap_or_else(|e| e.into_inner());
                subs.entry(id.to_string())
                    .or_insert_with(|| {
                        Arc::new(Account::new(self.account.client().for_account(id)))
                    })
                    .clone()
            }
        }
    }
}

#[derive(Clone)]
enum Configured {
    Ready(Arc<Ready>),
    /// Configuration values were unknown (they come from resources not yet applied).
    Unknown(Vec<&'static str>),
}

impl ProviderData {
    /// The configured client, or a diagnostic explaining why the provider can't call Zoom.
    pub fn ready(&self) -> Result<Arc<Ready>, Diagnostic> {
        let guard = self.configured.read().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(Configured::Ready(s)) => Ok(s.clone()),
            Some(Configured::Unknown(names)) => Err(Diagnostic::error(
                "Provider configuration not yet known",
                format!(
                    "The provider block's {} depends on values known only after apply, so \
                     the provider can't call Zoom yet. Apply the resources it depends on \
                     first (terraform apply -target=...), or set the value directly.",
                    names.join(", ")
                ),
            )),
            None => Err(Diagnostic::error(
                "Provider not configured",
                "Terraform called the provider before configuring it. This is a bug in the \
                 provider or Terraform; please report it.",
            )),
        }
    }
}

/// The provider served to Terraform.
pub struct ZoomProvider {
    data: Arc<ProviderData>,
}

impl ZoomProvider {
    pub fn new() -> ZoomProvider {
        ZoomProvider {
            data: Arc::new(ProviderData::default()),
        }
    }
}

impl Default for ZoomProvider {
    fn default() -> Self {
        ZoomProvider::new()
    }
}

#[async_trait]
impl Provider for ZoomProvider {
    fn type_name(&self) -> &'static str {
        "zoom"
    }

    fn schema(&self) -> Schema {
        config::schema()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        config::validate(config)
    }

    async fn configure(&self, config: &Value, terraform_version: &str) -> Diagnostics {
        let (resolved, mut diags) = config::resolve(config, &|k| std::env::var(k).ok());
        let configured = match resolved {
            Resolved::Ready(s) => match ZoomClient::new(s.client.clone()) {
                Ok(client) => {
                    tracing::debug!(
                        api_url = %s.client.api_url,
                        terraform_version,
                        "provider configured"
                    );
                    // Terraform builds its graph for a while before the first read: use
                    // that time to fetch the token.
                    let warm = client.clone();
                    tokio::spawn(async move { warm.prefetch_token().await });
                    Some(Configured::Ready(Arc::new(Ready::new(*s, client))))
                }
                Err(e) => {
                    diags.push(Diagnostic::error(
                        "Could not set up the Zoom client",
                        e.to_string(),
                    ));
                    None
                }
            },
            Resolved::Unknown(names) => Some(Configured::Unknown(names)),
            Resolved::Invalid => None,
        };
        *self
            .data
            .configured
            .write()
            .unwrap_or_else(|e| e.into_inner()) = configured;
        diags
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        let data = || self.data.clone();
        vec![
            Arc::new(resource_role::RoleResource { data: data() }),
            Arc::new(resource_role_membership::RoleMembershipResource { data: data() }),
            Arc::new(resource_role_members::RoleMembersResource { data: data() }),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        let data = || self.data.clone();
        vec![
            Arc::new(data_source_roles::RolesDataSource { data: data() }),
            Arc::new(data_source_role::RoleDataSource { data: data() }),
            Arc::new(data_source_role_members::RoleMembersDataSource { data: data() }),
            Arc::new(data_source_user::UserDataSource { data: data() }),
        ]
    }
}
