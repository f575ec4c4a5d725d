//! Shared support of the end-to-end tests: real Terraform runs (`terraform`) against a
//! zoom-sim in this process (`sim`), cases written as steps (`steps`), and the harness that
//! runs them (`harness`).
//! `tests/release.rs` uses it too (by `#[path]`), and the `terraform_scale` bench includes
//! `sim.rs` and `terraform.rs`.

#[macro_use]
pub mod harness;
pub mod sim;
pub mod steps;
pub mod terraform;
