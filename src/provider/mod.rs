//! The `zoom` provider: its configuration block (`config`) and, one file each, the resources
//! and data sources it serves. Resources reach Zoom through the shared [`ProviderData`]
//! that `ConfigureProvider` fills in.

pub mod config;

use std::sync::{Arc, RwLock};

use async_trait::async_trait;

use crate::tfplugin::{DataSource, Diagnostic, Diagnostics, Provider, Resource, Schema, Value};
use config::{Resolved, Settings};

/// Where `terraform init` finds this provider.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/zoom-community/zoom";

/// State shared between the provider and its resources.
#[derive(Default)]
pub struct ProviderData {
    configured: RwLock<Option<Configured>>,
}

#[derive(Clone, Debug)]
enum Configured {
    Ready(Arc<Settings>),
    /// Configuration values were unknown (they come from resources not yet applied).
    Unknown(Vec<&'static str>),
}

impl ProviderData {
    /// The resolved settings, or a diagnostic explaining why the provider can't call Zoom.
    pub fn settings(&self) -> Result<Arc<Settings>, Diagnostic> {
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
        let (resolved, diags) = config::resolve(config, &|k| std::env::var(k).ok());
        let configured = match resolved {
            Resolved::Ready(s) => {
                tracing::debug!(
                    api_url = %s.api_url,
                    terraform_version,
                    "provider configured"
                );
                Some(Configured::Ready(Arc::new(*s)))
            }
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
        Vec::new()
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
}
