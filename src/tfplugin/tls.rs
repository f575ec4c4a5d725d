//! AutoMTLS as go-plugin does it: the plugin makes a fresh server certificate (SAN
//! `localhost`) at start and announces it in the handshake line; Terraform announces its own
//! self-signed client certificate in `PLUGIN_CLIENT_CERT`. We require that exact certificate:
//! a pinned-certificate verifier compares the DER byte for byte and checks the handshake
//! signature with aws-lc-rs, which (unlike *ring*) verifies Terraform's ECDSA P-521 keys.
//! Path building is skipped on purpose: the certificate is self-signed with CA:true, which
//! webpki refuses as an end entity.

use std::sync::Arc;

use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName as TlsDn, SignatureScheme};

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("PLUGIN_CLIENT_CERT does not hold a PEM certificate: {0}")]
    ClientCert(String),
    #[error("could not make the plugin's server certificate: {0}")]
    ServerCert(#[from] rcgen::Error),
    #[error("could not configure TLS: {0}")]
    Config(#[from] rustls::Error),
}

/// The server side of AutoMTLS, ready to accept connections.
pub struct ServerTls {
    pub config: Arc<rustls::ServerConfig>,
    /// The server certificate, DER, base64 without padding: the handshake line's last field.
    pub cert_base64: String,
}

/// The crypto provider used everywhere: aws-lc-rs, for its P-521 support.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Builds the server TLS configuration that accepts only the client certificate in
/// `client_cert_pem` (the value of `PLUGIN_CLIENT_CERT`).
pub fn auto_mtls(client_cert_pem: &str) -> Result<ServerTls, TlsError> {
    let pinned = CertificateDer::from_pem_slice(client_cert_pem.as_bytes())
        .map_err(|e| TlsError::ClientCert(e.to_string()))?;
    let (cert_der, key_der) = server_certificate()?;
    let provider = crypto_provider();
    let verifier = Arc::new(PinnedClientCert {
        pinned,
        algorithms: provider.signature_verification_algorithms,
    });
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![cert_der.clone()], key_der)?;
    // gRPC clients insist on HTTP/2 negotiated through ALPN.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(ServerTls {
        config: Arc::new(config),
        cert_base64: base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert_der.as_ref()),
    })
}

/// A self-signed certificate for `localhost`, shaped like go-plugin's own.
fn server_certificate() -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), TlsError> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()])?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "localhost");
    dn.push(DnType::OrganizationName, "terraform-provider-zoom");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::seconds(30);
    params.not_after = now + time::Duration::days(365);
    let cert = params.self_signed(&key)?;
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((cert.der().clone(), key_der))
}

/// Accepts exactly one client certificate.
#[derive(Debug)]
struct PinnedClientCert {
    pinned: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[TlsDn] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.pinned.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            tracing::warn!("refused a TLS client whose certificate is not Terraform's");
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p521_is_among_the_verifiable_schemes() {
        let algs = crypto_provider().signature_verification_algorithms;
        assert!(algs
            .supported_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    }

    #[test]
    fn garbage_client_cert_is_a_clear_error() {
        let err = auto_mtls("not a certificate").err().expect("must fail");
        assert!(err.to_string().contains("PLUGIN_CLIENT_CERT"), "{err}");
    }

    #[test]
    fn handshake_cert_is_unpadded_base64_der() {
        let client = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let pem = CertificateParams::new(vec!["localhost".into()])
            .unwrap()
            .self_signed(&client)
            .unwrap()
            .pem();
        let tls = auto_mtls(&pem).unwrap();
        assert!(!tls.cert_base64.ends_with('='));
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(&tls.cert_base64)
            .unwrap();
        assert_eq!(der[0], 0x30, "a DER SEQUENCE");
        assert_eq!(tls.config.alpn_protocols, vec![b"h2".to_vec()]);
    }
}
