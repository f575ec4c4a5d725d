//! The `terraform-provider-zoom` binary: the edge where arguments are read, logging is set up
//! and the provider is served to Terraform. stdout belongs to the go-plugin handshake.

use std::process::ExitCode;
use std::sync::Arc;

use terraform_provider_zoom::provider::{ZoomProvider, PROVIDER_ADDRESS};
use terraform_provider_zoom::tfplugin::{logging, serve};

const USAGE: &str = "usage: terraform-provider-zoom [--debug | --version | --help]

Terraform starts this binary itself; see the README.
  --debug    serve without Terraform and print a TF_REATTACH_PROVIDERS value to attach to
  --version  print the version and exit";

/// A file to append per-RPC figures to when the process shuts down (benchmarks only).
const RPC_STATS_ENV: &str = "ZOOM_PROVIDER_RPC_STATS";

fn main() -> ExitCode {
    let mut debug = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--version" | "-v" => {
                println!("terraform-provider-zoom {}", env!("CARGO_PKG_VERSION"));
                return ExitCode::SUCCESS;
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--debug" => debug = true,
            other => {
                eprintln!("unknown argument {other:?}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if !debug && std::env::var(serve::MAGIC_COOKIE_KEY).as_deref() != Ok(serve::MAGIC_COOKIE_VALUE)
    {
        eprintln!("{}", serve::NOT_A_COMMAND);
        return ExitCode::FAILURE;
    }
    logging::init("provider.terraform-provider-zoom");
    match run(debug) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "provider failed");
            eprintln!("terraform-provider-zoom: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(debug: bool) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve::serve(
        Arc::new(ZoomProvider::new()),
        serve::ServeConfig {
            provider_address: PROVIDER_ADDRESS.to_string(),
            debug,
            rpc_stats: std::env::var_os(RPC_STATS_ENV).map(Into::into),
        },
    ))?;
    Ok(())
}
