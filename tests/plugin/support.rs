//! Starts the provider binary as Terraform would (magic cookie, protocol versions, socket
//! dir, AutoMTLS client certificate), reads the handshake line, and opens gRPC channels over
//! the unix socket with or without a client certificate.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tonic::transport::{Channel, Endpoint, Uri};

/// A client certificate like Terraform's: ECDSA P-521, self-signed, CA, SAN localhost.
pub struct ClientCert {
    pub pem: String,
    pub der: CertificateDer<'static>,
    pub key: PrivatePkcs8KeyDer<'static>,
}

pub fn terraform_like_client_cert() -> ClientCert {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).unwrap();
    ClientCert {
        pem: cert.pem(),
        der: cert.der().clone(),
        key: PrivatePkcs8KeyDer::from(key.serialize_der()),
    }
}

/// A running provider process and what its handshake line said.
pub struct Plugin {
    pub child: Child,
    pub handshake: String,
    pub socket: String,
    pub server_cert: Option<CertificateDer<'static>>,
    pub started_in: Duration,
    _dir: tempfile::TempDir,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the provider with Terraform's environment; `client_cert` None disables TLS.
pub fn start(client_cert: Option<&ClientCert>) -> Plugin {
    start_binary(
        std::path::Path::new(env!("CARGO_BIN_EXE_terraform-provider-zoom")),
        client_cert,
    )
}

/// [`start`] for another build of the provider (the static release binary, say).
pub fn start_binary(bin: &std::path::Path, client_cert: Option<&ClientCert>) -> Plugin {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(bin);
    cmd.env(
        "TF_PLUGIN_MAGIC_COOKIE",
        "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
    )
    .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
    .env("PLUGIN_UNIX_SOCKET_DIR", dir.path())
    .env_remove("TF_LOG")
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    match client_cert {
        Some(c) => {
            cmd.env("PLUGIN_CLIENT_CERT", &c.pem);
        }
        None => {
            cmd.env("TF_DISABLE_PLUGIN_TLS", "1");
        }
    }
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start provider");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("handshake line");
    let started_in = started.elapsed();
    let handshake = line.trim_end().to_string();
    let parts: Vec<&str> = handshake.split('|').collect();
    assert_eq!(parts.len(), 6, "handshake {handshake:?}");
    let server_cert = (!parts[5].is_empty()).then(|| {
        CertificateDer::from(
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(parts[5])
                .expect("unpadded base64"),
        )
    });
    Plugin {
        child,
        socket: parts[3].to_string(),
        handshake,
        server_cert,
        started_in,
        _dir: dir,
    }
}

impl Plugin {
    /// A gRPC channel over the socket, with TLS when the server announced a certificate,
    /// presenting `client` (or no certificate at all).
    pub async fn channel(&self, client: Option<&ClientCert>) -> Result<Channel, String> {
        let socket = self.socket.clone();
        let tls = self.server_cert.clone().map(|server_cert| {
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let verifier = Arc::new(PinnedServer {
                cert: server_cert,
                algorithms: provider.signature_verification_algorithms,
            });
            let builder = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .dangerous()
                .with_custom_certificate_verifier(verifier);
            let mut config = match client {
                Some(c) => builder
                    .with_client_auth_cert(
                        vec![c.der.clone()],
                        PrivateKeyDer::Pkcs8(c.key.clone_key()),
                    )
                    .unwrap(),
                None => builder.with_no_client_auth(),
            };
            config.alpn_protocols = vec![b"h2".to_vec()];
            tokio_rustls::TlsConnector::from(Arc::new(config))
        });
        let connector = tower::service_fn(move |_: Uri| {
            let socket = socket.clone();
            let tls = tls.clone();
            async move {
                let stream = tokio::net::UnixStream::connect(&socket).await?;
                let io: Box<dyn IoStream> = match tls {
                    Some(tls) => Box::new(
                        tls.connect(ServerName::try_from("localhost").unwrap(), stream)
                            .await?,
                    ),
                    None => Box::new(stream),
                };
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(io))
            }
        });
        Endpoint::from_static("http://localhost")
            .connect_timeout(Duration::from_secs(5))
            .connect_with_connector(connector)
            .await
            .map_err(|e| format!("{e:?}"))
    }
}

pub trait IoStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> IoStream for T {}

/// Trusts exactly the certificate from the handshake line, as go-plugin's client does (Go
/// accepts a self-signed CA certificate as the server's; webpki would not).
#[derive(Debug)]
struct PinnedServer {
    cert: CertificateDer<'static>,
    algorithms: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl rustls::client::danger::ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.cert.as_ref() {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
