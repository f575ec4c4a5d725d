//! `zoom-sim`: run the Zoom API simulator until SIGTERM or SIGINT.
//!
//! Prints exactly one line, `zoom-sim listening on http://127.0.0.1:PORT`, to stdout once
//! bound (and writes the URL to `--addr-file` if given); everything else goes to stderr.

use std::io::Write;
use std::process::ExitCode;

use terraform_provider_zoom::sim::{self, cli};

fn write_addr_file(path: &std::path::Path, url: &str) -> std::io::Result<()> {
    // Write then rename, so a watcher never reads a half-written file.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, url)?;
    std::fs::rename(&tmp, path)
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match cli::parse(std::env::args().skip(1)) {
        Ok(cli::Command::Help) => {
            print!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(cli::Command::Run(options)) => options,
        Err(e) => {
            eprintln!("zoom-sim: {e}");
            return ExitCode::from(2);
        }
    };
    let level = if options.verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .init();

    let handle = match sim::spawn(options.config).await {
        Ok(handle) => handle,
        Err(e) => {
            eprintln!("zoom-sim: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let url = handle.base_url();
    if let Some(path) = &options.addr_file {
        if let Err(e) = write_addr_file(path, &url) {
            eprintln!("zoom-sim: writing {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "zoom-sim listening on {url}");
    let _ = stdout.flush();
    tracing::info!(api_url = %handle.api_url(), token_url = %handle.token_url(), "ready");

    wait_for_signal().await;
    tracing::info!("shutting down");
    handle.shutdown().await;
    ExitCode::SUCCESS
}
