//! terraform-provider-zoom: a Terraform provider for Zoom account roles and who holds them.
//!
//! Layers, each readable alone:
//! - [`tfplugin`]: Terraform's plugin protocol (tfplugin6 over go-plugin), knowing nothing
//!   of Zoom;
//! - [`provider`]: the `zoom` provider, one file per resource or data source;
//! - [`zoom`]: the Zoom REST client, knowing nothing of Terraform;
//! - [`sim`]: the Zoom API simulator behind the `zoom-sim` binary.

pub mod provider;
pub mod sim;
pub mod tfplugin;
pub mod zoom;
