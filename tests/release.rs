//! `scripts/release.sh` (`make release`): the registry artifacts for linux_amd64 are what the
//! Terraform Registry expects (a zip holding exactly `terraform-provider-zoom_vX.Y.Z` with
//! mode 0755, the protocol-6 manifest, SHA256SUMS matching both), packaging twice gives
//! byte-identical files, and real Terraform installs the zipped binary from a filesystem
//! mirror, both unpacked and as the zip itself, and reads its schema.
//!
//! The released binary is static, and the proof is by use: in an empty root directory that
//! holds only a static Terraform, the unpacked release, a CLI config, a main.tf and what a
//! minimal container has (`/proc`, `/dev/null` and friends, `/etc/hosts`, `/etc/resolv.conf`;
//! no C library, no CA bundle), Terraform runs init, apply, an empty plan and destroy under
//! `chroot` against zoom-sim, reached by host names (one from `/etc/hosts`, one answered by a
//! small DNS server on another loopback address).
//!
//! The script runs the static `cargo build --release --target x86_64-unknown-linux-gnu`:
//! minutes the first time, a no-op for cargo when that binary is up to date. Needs python3,
//! sha256sum and readelf; Terraform as in `support::terraform` (a failure without one; a run
//! that sets `ZOOM_TEST_SKIP_TERRAFORM=1` reports the tests needing it as ignored, with
//! their count, and is refused when `CI` is truthy); the empty root needs root's `unshare`,
//! `mount` and `chroot` (the test is reported as ignored, with the reason, where they are
//! not permitted, and fails when `CI` is truthy).
//!
//! The tests run under the end-to-end harness (`tests/e2e/support/harness.rs`, libtest's
//! flags and output); they live in `release_support/release.rs`, built on linux x86_64
//! only.

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[path = "release_support/dns.rs"]
mod dns;
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[macro_use]
#[path = "e2e/support/mod.rs"]
mod support;
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[path = "release_support/release.rs"]
mod release;

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn main() -> std::process::ExitCode {
    support::harness::run([release::cases()])
}

/// The release artifacts are built and checked on linux x86_64 only.
#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
fn main() {}
