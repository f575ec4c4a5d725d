//! The provider binary started as Terraform starts it, without Terraform: go-plugin's
//! handshake, AutoMTLS and the gRPC services. One test binary.
//!
//! Adding a file: put it in `tests/plugin/`, add `mod NAME;` below, and take the helpers
//! from `crate::support`.

mod support;

mod handshake;
