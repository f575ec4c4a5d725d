//! End-to-end tests: real Terraform (1.15.5, and 1.0.3 where named) drives the provider
//! binary against zoom-sim. One test binary, so the support modules and the provider's
//! library are linked once; each former `tests/e2e_*.rs` is a module here.
//!
//! The harness is `support/harness.rs` (libtest's flags and output): each module ends in a
//! `cases![...]` list naming its tests and what each needs (`tf`, `tf_1_0`, `plain`), and a
//! missing Terraform fails them unless the run sets `ZOOM_TEST_SKIP_TERRAFORM=1`, which
//! reports them as ignored. Run one module with `cargo test --test e2e NAME::`, several
//! with `cargo test --test e2e NAME:: OTHER::`.
//!
//! Adding a file: `git mv tests/e2e_NAME.rs tests/e2e/NAME.rs`, add `mod NAME;` and
//! `NAME::cases(),` below; in the file drop its `mod support;` line, write
//! `use crate::support::...` for `use support::...`, turn each
//! `#[test] fn x() { let Some(tf) = terraform() else { return }; ...` into
//! `fn x(tf: &Terraform) { ...` and list it at the end: `cases![tf x, ...];`.
//! `harness::every_file_is_a_module_whose_cases_run` fails until all of that is done.

#[macro_use]
mod support;

mod harness;

mod answer_forms;
mod connection;
mod data_sources;
mod drift;
mod errors;
mod examples;
mod guides;
mod import;
mod import_why;
mod lifecycle;
mod list;
mod lockout;
mod plugin_terraform;
mod protocol;
mod query;
mod resilience;
mod role;
mod role_members;
mod scale;
mod secrets;
mod shared_app;
mod sub_accounts;

fn main() -> std::process::ExitCode {
    support::harness::run([
        harness::cases(),
        answer_forms::cases(),
        connection::cases(),
        data_sources::cases(),
        drift::cases(),
        errors::cases(),
        examples::cases(),
        guides::cases(),
        import::cases(),
        import_why::cases(),
        lifecycle::cases(),
        list::cases(),
        lockout::cases(),
        plugin_terraform::cases(),
        protocol::cases(),
        query::cases(),
        resilience::cases(),
        role::cases(),
        role_members::cases(),
        scale::cases(),
        secrets::cases(),
        shared_app::cases(),
        sub_accounts::cases(),
    ])
}
