//! End-to-end tests: real Terraform (1.15.5, and 1.0.3 where named) drives the provider
//! binary against zoom-sim. One test binary, so the support modules and the provider's
//! library are linked once; each former `tests/e2e_*.rs` is a module here.
//!
//! Adding a file: `git mv tests/e2e_NAME.rs tests/e2e/NAME.rs`, add `mod NAME;` below, and in
//! the file drop its `mod support;` line and write `use crate::support::...` for
//! `use support::...`. Run one module with `cargo test --test e2e NAME::`.

mod support;

mod answer_forms;
mod connection;
mod data_sources;
mod drift;
mod errors;
mod import;
mod import_why;
mod lifecycle;
mod plugin_terraform;
mod query;
mod resilience;
mod role_members;
mod scale;
mod secrets;
mod shared_app;
