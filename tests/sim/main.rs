//! The simulator (`src/sim/`, `zoom-sim`) over HTTP, as a client of Zoom's API sees it. One
//! test binary; each former `tests/sim_*.rs` is a module here.
//!
//! Adding a file: `git mv tests/sim_NAME.rs tests/sim/NAME.rs`, add `mod NAME;` below, and in
//! the file drop `mod sim_support;` and write `crate::support::` for `sim_support::`. Run one
//! module with `cargo test --test sim NAME::`.

mod support;

mod auth;
mod binary;
mod control;
mod faults;
mod members;
mod roles;
mod sub_accounts;
mod users;
