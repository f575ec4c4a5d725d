//! Shared support of the end-to-end tests: real Terraform runs (`terraform`) against a
//! zoom-sim in this process (`sim`). `tests/release.rs` uses it too (by `#[path]`), and the
//! `terraform_scale` bench includes the two files.

pub mod sim;
pub mod terraform;
