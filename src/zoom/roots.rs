//! Which certificate authorities the HTTP client trusts.
//!
//! On Linux and the other non-Apple Unixes the client trusts the system's CA bundle (as
//! found by `rustls-native-certs`: `SSL_CERT_FILE` / `SSL_CERT_DIR`, else the distribution's
//! usual paths). Minimal container images (scratch, distroless, a bare Alpine without
//! `ca-certificates`) have no bundle at all, and a client that insists on one can't even be
//! built. There the client falls back to the Mozilla roots bundled into the binary
//! (`webpki-root-certs`), so a static binary works in an empty root. On macOS and Windows the
//! operating system's verifier decides, as it does for every other program there.

use std::sync::Arc;

/// Where the trusted roots came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RootSource {
    /// The system's CA bundle.
    System,
    /// No usable system bundle: the Mozilla roots compiled into the binary.
    Bundled,
}

/// Configures `builder` to trust the system's roots where there are some and the bundled
/// roots where there are none.
pub(crate) fn trust(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, reqwest::Error> {
    #[cfg(all(unix, not(target_vendor = "apple")))]
    {
        let found = rustls_native_certs::load_native_certs();
        for error in &found.errors {
            tracing::debug!(error = %error, "could not read a system CA certificate");
        }
        let (roots, source) = choose(found.certs);
        tracing::debug!(roots = roots.len(), source = ?source, "TLS roots");
        let certs = roots
            .iter()
            .map(|der| reqwest::Certificate::from_der(der))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(builder.tls_certs_only(certs))
    }
    #[cfg(not(all(unix, not(target_vendor = "apple"))))]
    {
        tracing::debug!("TLS roots: the operating system's verifier");
        Ok(builder)
    }
}

/// The system's certificates if there are any, else the bundled ones.
#[cfg_attr(not(all(unix, not(target_vendor = "apple"))), allow(dead_code))]
fn choose(
    system: Vec<rustls::pki_types::CertificateDer<'static>>,
) -> (
    Arc<[rustls::pki_types::CertificateDer<'static>]>,
    RootSource,
) {
    if system.is_empty() {
        (
            webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .cloned()
                .collect(),
            RootSource::Bundled,
        )
    } else {
        (system.into(), RootSource::System)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_system_roots_means_the_bundled_mozilla_roots() {
        let (roots, source) = choose(Vec::new());
        assert_eq!(source, RootSource::Bundled);
        assert!(roots.len() > 100, "{} bundled roots", roots.len());
    }

    #[test]
    fn system_roots_win_when_there_are_any() {
        let one = webpki_root_certs::TLS_SERVER_ROOT_CERTS[0].clone();
        let (roots, source) = choose(vec![one.clone()]);
        assert_eq!(source, RootSource::System);
        assert_eq!(&*roots, &[one]);
    }

    #[test]
    fn every_bundled_root_is_accepted_by_the_http_client() {
        let certs: Vec<_> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|der| reqwest::Certificate::from_der(der).expect("a bundled root parses"))
            .collect();
        reqwest::Client::builder()
            .tls_certs_only(certs)
            .build()
            .expect("client with the bundled roots");
    }
}
