//! Terraform plugin protocol plumbing, with no knowledge of Zoom: go-plugin serving and
//! AutoMTLS (`serve`, `tls`), the JSON-line logger Terraform reads (`logging`), values with
//! unknowns and their wire codec (`value`), schemas (`schema`), diagnostics (`diag`), the
//! traits a provider implements (`framework`), the gRPC service that drives them
//! (`server`), the conversions between those types and tfplugin6 messages (`convert`),
//! and per-RPC figures for benchmarks (`rpc_stats`).
//! The generated tfplugin6 code stays private to this module.

mod convert;
pub mod diag;
pub mod framework;
pub mod logging;
pub mod rpc_stats;
pub mod schema;
pub mod serve;
mod server;
pub mod tls;
pub mod value;

pub(crate) mod proto {
    //! Code generated from `proto/` at build time.
    #![allow(clippy::all, clippy::pedantic, missing_docs, unreachable_pub)]

    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }

    pub mod plugin {
        tonic::include_proto!("plugin");
    }
}

/// Generated protocol types, for tests that talk to the provider as Terraform would.
#[doc(hidden)]
pub mod wire {
    pub use super::proto::plugin;
    pub use super::proto::tfplugin6;
    pub use super::server::ProviderService;
}

pub use diag::{AttrPath, Diagnostic, Diagnostics, Severity};
pub use framework::{DataSource, Listed, Plan, Provider, Resource};
pub use schema::{Attribute, Block, IdentitySchema, Schema};
pub use value::{Number, Type, Value};
