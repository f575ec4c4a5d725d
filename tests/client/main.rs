//! The Zoom client (`src/zoom/`) against zoom-sim in this process, and property tests of
//! the parsing the provider does on input it does not control. One test binary; each former
//! `tests/client_*.rs` is a module here.
//!
//! Adding a file: `git mv tests/client_NAME.rs tests/client/NAME.rs`, add `mod NAME;` below,
//! and in the file drop `mod client_support;` and write `crate::support::` for
//! `client_support::`. Run one module with `cargo test --test client NAME::`.

mod support;

mod batch;
mod endpoints;
mod errors;
mod logging;
mod prop_parsing;
mod resilience;
mod users;
