//! Shared test support: real Terraform runs (`terraform`) and starting the provider binary
//! the way Terraform does (`plugin`).

pub mod plugin;
pub mod sim;
pub mod terraform;
