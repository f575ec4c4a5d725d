//! Shared support of the end-to-end tests: real Terraform runs (`terraform`) against a
//! zoom-sim in this process (`sim`), and cases written as steps (`steps`).
//! `tests/release.rs` uses it too (by `#[path]`), and the `terraform_scale` bench includes
//! `sim.rs` and `terraform.rs`.

pub mod sim;
pub mod steps;
pub mod terraform;
