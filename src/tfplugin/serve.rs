//! go-plugin serving: what happens between Terraform starting the binary and the first RPC.
//! Checks the magic cookie, negotiates the protocol version, listens on a unix socket, sets up
//! AutoMTLS, prints the one handshake line on stdout, and serves the provider alongside
//! go-plugin's health, controller, stdio and broker services until Terraform asks us to stop.
//! `--debug` serves without Terraform and prints a `TF_REATTACH_PROVIDERS` value instead.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::Connected;
use tonic::{Request, Response, Status};

use super::framework::Provider;
use super::proto::plugin;
use super::server::ProviderService;
use super::tls::{self, TlsError};

/// The cookie Terraform sets so a plugin knows it was started by Terraform.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// go-plugin's own protocol version, the first field of the handshake line.
const CORE_PROTOCOL_VERSION: u32 = 1;
/// The Terraform plugin protocol major version we speak.
const PROTOCOL_VERSION: u32 = 6;
/// Terraform accepts messages up to 256 MiB; tonic's default is 4 MiB.
const MAX_MESSAGE_BYTES: usize = 256 << 20;

/// The text shown when someone runs the binary by hand.
pub const NOT_A_COMMAND: &str = "This binary is a plugin. These are not meant to be executed \
directly. Please execute the program that consumes these plugins, which will load any plugins \
automatically.\n\nterraform-provider-zoom is a Terraform provider: declare it in a \
required_providers block and run `terraform init`. To run it by hand for debugging, use \
`--debug`.";

/// Why serving failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{NOT_A_COMMAND}")]
    NotLaunchedByTerraform,
    #[error(
        "Terraform offered plugin protocol versions {0:?}, but this provider speaks only \
         version 6: use Terraform 1.0 or newer"
    )]
    UnsupportedProtocol(String),
    #[error("could not listen on a unix socket in {dir}: {source}")]
    Listen {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("could not write the handshake line: {0}")]
    Handshake(std::io::Error),
}

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The provider's source address, e.g. `registry.terraform.io/zoom-community/zoom`.
    pub provider_address: String,
    /// Serve without Terraform and print a reattach configuration.
    pub debug: bool,
}

/// Serves `provider` until Terraform shuts us down (or, in debug mode, until Ctrl-C).
pub async fn serve(provider: Arc<dyn Provider>, cfg: ServeConfig) -> Result<(), ServeError> {
    if !cfg.debug && std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        return Err(ServeError::NotLaunchedByTerraform);
    }
    if !cfg.debug {
        negotiate_version(std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref())?;
    }

    let dir = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let socket = dir.join(format!("plugin{:016x}", rand::random::<u64>()));
    let listener = UnixListener::bind(&socket).map_err(|source| ServeError::Listen {
        dir: dir.clone(),
        source,
    })?;
    let _cleanup = RemoveOnDrop(socket.clone());

    let tls = if cfg.debug || std::env::var_os("TF_DISABLE_PLUGIN_TLS").is_some() {
        None
    } else {
        match std::env::var("PLUGIN_CLIENT_CERT") {
            Ok(pem) if !pem.trim().is_empty() => Some(tls::auto_mtls(&pem)?),
            _ => None,
        }
    };

    let (shutdown_tx, mut shutdown_rx) = watch::channel(false);
    let incoming = accept_loop(listener, tls.as_ref().map(|t| t.config.clone()));

    if cfg.debug {
        print_reattach(&cfg.provider_address, &socket);
        let tx = shutdown_tx.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            let _ = tx.send(true);
        });
    } else {
        let line = format!(
            "{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|unix|{}|grpc|{}\n",
            socket.display(),
            tls.as_ref().map(|t| t.cert_base64.as_str()).unwrap_or("")
        );
        let mut out = std::io::stdout().lock();
        out.write_all(line.as_bytes())
            .and_then(|_| out.flush())
            .map_err(ServeError::Handshake)?;
        ignore_interrupts();
    }
    terminate_on_sigterm(shutdown_tx.clone());

    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;

    let provider_service = ProviderService::new(provider);
    tracing::info!(socket = %socket.display(), tls = tls.is_some(), "serving");
    tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(
            super::proto::tfplugin6::provider_server::ProviderServer::new(provider_service)
                .max_decoding_message_size(MAX_MESSAGE_BYTES)
                .max_encoding_message_size(MAX_MESSAGE_BYTES),
        )
        .add_service(plugin::grpc_controller_server::GrpcControllerServer::new(
            Controller {
                shutdown: shutdown_tx,
            },
        ))
        .add_service(plugin::grpc_stdio_server::GrpcStdioServer::new(Stdio))
        .add_service(plugin::grpc_broker_server::GrpcBrokerServer::new(Broker))
        .serve_with_incoming_shutdown(incoming, async move {
            let _ = shutdown_rx.wait_for(|stop| *stop).await;
        })
        .await?;
    tracing::info!("shut down");
    Ok(())
}

/// Picks protocol 6 from Terraform's comma-separated offer (absent: assume 6).
fn negotiate_version(offer: Option<&str>) -> Result<u32, ServeError> {
    let Some(offer) = offer.filter(|o| !o.trim().is_empty()) else {
        return Ok(PROTOCOL_VERSION);
    };
    let supported = offer
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .any(|v| v == PROTOCOL_VERSION);
    if supported {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(ServeError::UnsupportedProtocol(offer.to_string()))
    }
}

fn print_reattach(address: &str, socket: &Path) {
    let value = serde_json::json!({
        address: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": {"Network": "unix", "String": socket.display().to_string()},
        }
    });
    // Debug mode is run by a person in a terminal: stdout is theirs, not Terraform's.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment \
         variable with the following:\n\n\tTF_REATTACH_PROVIDERS='{value}'\n"
    );
    let _ = out.flush();
}

/// Terraform handles Ctrl-C itself and tells plugins to stop over gRPC; like go-plugin we
/// must not die on the SIGINT the terminal sends to the whole process group.
fn ignore_interrupts() {
    if let Ok(mut sig) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()) {
        tokio::spawn(async move {
            while sig.recv().await.is_some() {
                tracing::debug!("ignoring SIGINT; Terraform will stop the provider");
            }
        });
    }
}

fn terminate_on_sigterm(shutdown: watch::Sender<bool>) {
    if let Ok(mut sig) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        tokio::spawn(async move {
            if sig.recv().await.is_some() {
                let _ = shutdown.send(true);
            }
        });
    }
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Accepts connections, completing TLS handshakes off the accept path; failed handshakes
/// are logged and dropped.
fn accept_loop(
    listener: UnixListener,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> ReceiverStream<Result<Conn, std::io::Error>> {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((s, _)) => s,
                Err(e) => {
                    // Out of file descriptors, say: back off rather than spin on it.
                    tracing::error!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            };
            let tx = tx.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let conn = match tls {
                    None => Conn::Plain(stream),
                    Some(cfg) => match tokio_rustls::TlsAcceptor::from(cfg).accept(stream).await {
                        Ok(s) => Conn::Tls(Box::new(s)),
                        Err(e) => {
                            tracing::warn!(error = %e, "TLS handshake failed");
                            return;
                        }
                    },
                };
                let _ = tx.send(Ok(conn)).await;
            });
        }
    });
    ReceiverStream::new(rx)
}

/// One accepted connection, plain or TLS.
pub enum Conn {
    Plain(UnixStream),
    Tls(Box<tokio_rustls::server::TlsStream<UnixStream>>),
}

impl Connected for Conn {
    type ConnectInfo = ();
    fn connect_info(&self) {}
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// go-plugin's controller: Shutdown ends the server cleanly.
struct Controller {
    shutdown: watch::Sender<bool>,
}

#[tonic::async_trait]
impl plugin::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _: Request<plugin::Empty>) -> Result<Response<plugin::Empty>, Status> {
        tracing::debug!("Terraform asked the provider to shut down");
        let _ = self.shutdown.send(true);
        Ok(Response::new(plugin::Empty {}))
    }
}

/// go-plugin's stdio forwarding. We never write to stdout or stderr outside the log, so the
/// stream stays open and empty.
struct Stdio;

type StdioStream =
    Pin<Box<dyn futures::Stream<Item = Result<plugin::StdioData, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl plugin::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = StdioStream;

    async fn stream_stdio(
        &self,
        _: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(Box::pin(futures::stream::pending())))
    }
}

/// go-plugin's connection broker: Terraform opens the stream; we never broker connections.
struct Broker;

type BrokerStream =
    Pin<Box<dyn futures::Stream<Item = Result<plugin::ConnInfo, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl plugin::grpc_broker_server::GrpcBroker for Broker {
    type StartStreamStream = BrokerStream;

    async fn start_stream(
        &self,
        _: Request<tonic::Streaming<plugin::ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        Ok(Response::new(Box::pin(futures::stream::pending())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_negotiation_picks_six() {
        assert_eq!(negotiate_version(Some("5,6")).unwrap(), 6);
        assert_eq!(negotiate_version(Some("6")).unwrap(), 6);
        assert_eq!(negotiate_version(None).unwrap(), 6);
        let err = negotiate_version(Some("4,5")).unwrap_err();
        assert!(err.to_string().contains("speaks only version 6"), "{err}");
    }
}
