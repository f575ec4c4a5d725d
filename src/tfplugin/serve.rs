//! go-plugin serving: what happens between Terraform starting the binary and the first RPC.
//! Checks the magic cookie, negotiates the protocol version, listens (a unix socket, or TCP on
//! 127.0.0.1 on Windows and on request), sets up AutoMTLS, prints the one handshake line on
//! stdout, and serves the provider alongside go-plugin's health, controller, stdio and broker
//! services until Terraform asks us to stop. `--debug` serves without Terraform and prints a
//! `TF_REATTACH_PROVIDERS` value instead.
//!
//! The transport follows go-plugin: a unix socket in `PLUGIN_UNIX_SOCKET_DIR` (else the
//! temporary directory) everywhere but Windows, where it is TCP on 127.0.0.1 at the first free
//! port from `PLUGIN_MIN_PORT` to `PLUGIN_MAX_PORT` (any free port when neither is set).
//! `ZOOM_PLUGIN_TRANSPORT=tcp` (or `unix`) chooses on purpose; Terraform accepts either.

use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
#[cfg(unix)]
use tokio::net::UnixListener;
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
/// Chooses the transport on purpose: `tcp` or `unix`.
pub const TRANSPORT_ENV: &str = "ZOOM_PLUGIN_TRANSPORT";

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
    #[error(
        "could not listen on 127.0.0.1 at any port from {min} to {max} \
         (PLUGIN_MIN_PORT / PLUGIN_MAX_PORT): {source}"
    )]
    ListenTcp {
        min: u16,
        max: u16,
        source: std::io::Error,
    },
    #[error("{0}")]
    Transport(String),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("gRPC server failed: {0}")]
    Grpc(#[from] tonic::transport::Error),
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
    /// Append per-RPC counts and times, CPU and peak memory to this file on shutdown
    /// (benchmarks; see `rpc_stats`).
    pub rpc_stats: Option<PathBuf>,
}

/// Serves `provider` until Terraform shuts us down (or, in debug mode, until Ctrl-C).
pub async fn serve(provider: Arc<dyn Provider>, cfg: ServeConfig) -> Result<(), ServeError> {
    if !cfg.debug && std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        return Err(ServeError::NotLaunchedByTerraform);
    }
    if !cfg.debug {
        negotiate_version(std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref())?;
    }

    let transport = Transport::from_env(std::env::var(TRANSPORT_ENV).ok().as_deref())?;
    let listener = Listener::bind(transport).await?;
    let address = listener.address();
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
        print_reattach(&cfg.provider_address, &address);
        let tx = shutdown_tx.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            let _ = tx.send(true);
        });
    } else {
        let line = format!(
            "{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|{}|{}|grpc|{}\n",
            address.network,
            address.address,
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
    tracing::info!(
        network = address.network,
        address = %address.address,
        tls = tls.is_some(),
        "serving"
    );
    let stats = cfg.rpc_stats.map(super::rpc_stats::RpcStats::new);
    tonic::transport::Server::builder()
        .layer(tower::util::option_layer(
            stats.clone().map(super::rpc_stats::RpcStatsLayer),
        ))
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
    if let Some(stats) = stats {
        stats.write();
    }
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

fn print_reattach(provider: &str, address: &Address) {
    let value = serde_json::json!({
        provider: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": {"Network": address.network, "String": address.address},
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
/// must not die on the interrupt the terminal sends to the whole process group.
fn ignore_interrupts() {
    #[cfg(unix)]
    if let Ok(mut sig) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()) {
        tokio::spawn(async move {
            while sig.recv().await.is_some() {
                tracing::debug!("ignoring SIGINT; Terraform will stop the provider");
            }
        });
    }
    #[cfg(windows)]
    if let Ok(mut sig) = tokio::signal::windows::ctrl_c() {
        tokio::spawn(async move {
            while sig.recv().await.is_some() {
                tracing::debug!("ignoring Ctrl-C; Terraform will stop the provider");
            }
        });
    }
}

/// A SIGTERM (unix) stops serving cleanly; elsewhere Terraform's Shutdown RPC does.
fn terminate_on_sigterm(shutdown: watch::Sender<bool>) {
    #[cfg(unix)]
    if let Ok(mut sig) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        tokio::spawn(async move {
            if sig.recv().await.is_some() {
                let _ = shutdown.send(true);
            }
        });
    }
    #[cfg(not(unix))]
    drop(shutdown);
}

/// How Terraform reaches us.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Transport {
    /// A unix socket (go-plugin's choice everywhere but Windows).
    Unix,
    /// TCP on 127.0.0.1 (go-plugin's choice on Windows).
    Tcp,
}

impl Transport {
    /// The platform's default, or the one `ZOOM_PLUGIN_TRANSPORT` asks for.
    fn from_env(requested: Option<&str>) -> Result<Transport, ServeError> {
        match requested.map(str::trim).filter(|r| !r.is_empty()) {
            None if cfg!(unix) => Ok(Transport::Unix),
            None => Ok(Transport::Tcp),
            Some(r) if r.eq_ignore_ascii_case("tcp") => Ok(Transport::Tcp),
            Some(r) if r.eq_ignore_ascii_case("unix") && cfg!(unix) => Ok(Transport::Unix),
            Some(r) if r.eq_ignore_ascii_case("unix") => Err(ServeError::Transport(format!(
                "{TRANSPORT_ENV}=unix: unix sockets are not available on this system; \
                 unset it or use tcp"
            ))),
            Some(r) => Err(ServeError::Transport(format!(
                "{TRANSPORT_ENV}={r:?} is not a transport: use tcp or unix"
            ))),
        }
    }
}

/// The ports go-plugin lets a TCP plugin use: `PLUGIN_MIN_PORT` to `PLUGIN_MAX_PORT`
/// (Terraform sets 10000 and 25000), or any free port (0) when neither is set.
fn port_range(min: Option<&str>, max: Option<&str>) -> Result<(u16, u16), ServeError> {
    let parse = |name: &str, v: Option<&str>| -> Result<u16, ServeError> {
        match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(0),
            Some(v) => v
                .parse::<u16>()
                .map_err(|_| ServeError::Transport(format!("{name}={v:?} is not a port number"))),
        }
    };
    let (min, max) = (
        parse("PLUGIN_MIN_PORT", min)?,
        parse("PLUGIN_MAX_PORT", max)?,
    );
    if min > max {
        return Err(ServeError::Transport(format!(
            "PLUGIN_MIN_PORT value of {min} is greater than PLUGIN_MAX_PORT value of {max}"
        )));
    }
    Ok((min, max))
}

/// Where we listen, as the handshake line and a reattach configuration spell it.
struct Address {
    /// `unix` or `tcp`.
    network: &'static str,
    /// The socket path or `127.0.0.1:PORT`.
    address: String,
}

/// A bound listener of either transport.
enum Listener {
    #[cfg(unix)]
    Unix(UnixListener, RemoveOnDrop),
    Tcp(TcpListener),
}

impl Listener {
    async fn bind(transport: Transport) -> Result<Listener, ServeError> {
        match transport {
            #[cfg(unix)]
            Transport::Unix => {
                let dir = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(std::env::temp_dir);
                let socket = dir.join(format!("plugin{:016x}", rand::random::<u64>()));
                let listener = UnixListener::bind(&socket)
                    .map_err(|source| ServeError::Listen { dir, source })?;
                Ok(Listener::Unix(listener, RemoveOnDrop(socket)))
            }
            #[cfg(not(unix))]
            Transport::Unix => unreachable!("Transport::from_env refuses unix here"),
            Transport::Tcp => {
                let (min, max) = port_range(
                    std::env::var("PLUGIN_MIN_PORT").ok().as_deref(),
                    std::env::var("PLUGIN_MAX_PORT").ok().as_deref(),
                )?;
                let mut last = None;
                for port in min..=max {
                    match TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
                        Ok(listener) => return Ok(Listener::Tcp(listener)),
                        Err(e) => last = Some(e),
                    }
                }
                Err(ServeError::ListenTcp {
                    min,
                    max,
                    source: last.unwrap_or_else(|| std::io::ErrorKind::AddrInUse.into()),
                })
            }
        }
    }

    fn address(&self) -> Address {
        match self {
            #[cfg(unix)]
            Listener::Unix(_, socket) => Address {
                network: "unix",
                address: socket.0.display().to_string(),
            },
            Listener::Tcp(listener) => Address {
                network: "tcp",
                address: listener
                    .local_addr()
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
            },
        }
    }

    async fn accept(&self) -> std::io::Result<Box<dyn Io>> {
        match self {
            #[cfg(unix)]
            Listener::Unix(listener, _) => {
                let (stream, _) = listener.accept().await?;
                Ok(Box::new(stream))
            }
            Listener::Tcp(listener) => {
                let (stream, _) = listener.accept().await?;
                // gRPC's frames are small and latency-bound.
                let _ = stream.set_nodelay(true);
                Ok(Box::new(stream))
            }
        }
    }
}

/// Removes the unix socket file when serving ends.
#[cfg(unix)]
struct RemoveOnDrop(PathBuf);

#[cfg(unix)]
impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Accepts connections, completing TLS handshakes off the accept path; failed handshakes
/// are logged and dropped.
fn accept_loop(
    listener: Listener,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> ReceiverStream<Result<Conn, std::io::Error>> {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok(s) => s,
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
                    None => Conn(stream),
                    Some(cfg) => match tokio_rustls::TlsAcceptor::from(cfg).accept(stream).await {
                        Ok(s) => Conn(Box::new(s)),
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

/// A byte stream of either transport, plain or TLS.
trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// One accepted connection.
pub struct Conn(Box<dyn Io>);

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
        Pin::new(self.get_mut().0.as_mut()).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(self.get_mut().0.as_mut()).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(self.get_mut().0.as_mut()).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(self.get_mut().0.as_mut()).poll_shutdown(cx)
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

    #[test]
    fn transport_defaults_to_the_platforms_and_can_be_chosen() {
        let default = if cfg!(unix) {
            Transport::Unix
        } else {
            Transport::Tcp
        };
        assert_eq!(Transport::from_env(None).unwrap(), default);
        assert_eq!(Transport::from_env(Some(" ")).unwrap(), default);
        assert_eq!(Transport::from_env(Some("TCP")).unwrap(), Transport::Tcp);
        if cfg!(unix) {
            assert_eq!(Transport::from_env(Some("unix")).unwrap(), Transport::Unix);
        }
        let err = Transport::from_env(Some("pipe")).unwrap_err().to_string();
        assert!(
            err.contains("ZOOM_PLUGIN_TRANSPORT") && err.contains("tcp"),
            "{err}"
        );
    }

    #[test]
    fn port_range_follows_go_plugin() {
        assert_eq!(port_range(None, None).unwrap(), (0, 0));
        assert_eq!(
            port_range(Some("10000"), Some("25000")).unwrap(),
            (10000, 25000)
        );
        let err = port_range(Some("3"), Some("2")).unwrap_err().to_string();
        assert!(err.contains("greater than PLUGIN_MAX_PORT"), "{err}");
        let err = port_range(Some("x"), None).unwrap_err().to_string();
        assert!(err.contains("PLUGIN_MIN_PORT"), "{err}");
    }

    #[tokio::test]
    async fn tcp_listens_on_loopback_only() {
        let listener = Listener::bind(Transport::Tcp).await.unwrap();
        let address = listener.address();
        assert_eq!(address.network, "tcp");
        let addr: SocketAddr = address.address.parse().unwrap();
        assert!(addr.ip().is_loopback(), "{addr}");
        assert_ne!(addr.port(), 0);
    }
}
