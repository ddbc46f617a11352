//! TLS to PostgreSQL, set as libpq sets it: by `sslmode` and `sslrootcert` in the database URL,
//! so that a URL copied from a managed database's console means here what it means to `psql`.
//! tokio-postgres's own parser knows only `disable`, `prefer` and `require` and rejects a URL
//! with any other mode, so both parameters are taken out of the URL here and the rest is left to
//! it. Deliberate differences from libpq are listed in docs/configuration.md (`--database-url`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_cert_signed_by_trust_anchor};
use rustls::crypto::{WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::OpenError;

/// What is wrong with the TLS settings of the database URL.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error(
        "sslmode={0} in --database-url is not a known mode; use disable, prefer, require, \
         verify-ca or verify-full"
    )]
    UnknownMode(String),
    #[error(
        "sslmode=allow in --database-url is not supported (it tries without TLS first); use \
         prefer to use TLS whenever the server offers it, or disable"
    )]
    Allow,
    #[error(
        "sslmode={0} in --database-url is weaker than sslrootcert=system allows; use \
         sslmode=verify-full (as libpq requires too)"
    )]
    WeakWithSystemRoots(&'static str),
    // The cause is in the message, not a source: the binary prints each source on a line of
    // its own, which would repeat it.
    #[error("cannot read the certificates in sslrootcert={}: {error}", path.display())]
    RootFile {
        path: PathBuf,
        error: rustls::pki_types::pem::Error,
    },
    #[error("sslrootcert={} holds no PEM certificate", path.display())]
    NoRootInFile { path: PathBuf },
    #[error("sslrootcert={} holds a certificate that cannot be a root: {error}", path.display())]
    BadRoot { path: PathBuf, error: rustls::Error },
    #[error(
        "the system's store has no trusted root certificate ({0}); name the server's CA with \
         sslrootcert=<PEM file> in --database-url"
    )]
    NoSystemRoots(String),
    #[error("cannot set up TLS: {0}")]
    Setup(String),
}

/// libpq's `sslmode`, less `allow`, which tokio-postgres cannot do (plaintext first, then TLS
/// when the server insists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(value: &str) -> Result<Self, TlsError> {
        Ok(match value {
            "disable" => Self::Disable,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            "allow" => return Err(TlsError::Allow),
            other => return Err(TlsError::UnknownMode(other.to_owned())),
        })
    }

    fn name(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }

    /// Whether tokio-postgres may fall back to plaintext, or must have TLS.
    fn negotiation(self) -> tokio_postgres::config::SslMode {
        match self {
            Self::Disable => tokio_postgres::config::SslMode::Disable,
            Self::Prefer => tokio_postgres::config::SslMode::Prefer,
            Self::Require | Self::VerifyCa | Self::VerifyFull => {
                tokio_postgres::config::SslMode::Require
            }
        }
    }
}

/// The certificate authorities that a server's certificate must chain to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Roots {
    /// The operating system's store (`sslrootcert=system`, or no `sslrootcert`).
    System,
    /// A PEM file of one or more certificates (`sslrootcert=<path>`).
    File(PathBuf),
}

impl fmt::Display for Roots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::System => f.write_str("the system's trusted roots"),
            Self::File(path) => write!(f, "the roots in {}", path.display()),
        }
    }
}

/// How much of the server's certificate is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Check {
    /// Nothing: encrypts against eavesdroppers, not against someone in the middle.
    Nothing,
    /// That it chains to one of these roots, whatever host it names (verify-ca).
    Chain(Roots),
    /// That it chains to one of these roots and names the host connected to (verify-full).
    ChainAndName(Roots),
}

/// The TLS settings read from a database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Settings {
    mode: SslMode,
    check: Check,
}

impl Settings {
    /// libpq's rules: `prefer` is the default, and `verify-full` with `sslrootcert=system`;
    /// `prefer` and `require` check the chain (as `verify-ca`) when they are given a root file.
    fn new(mode: Option<&str>, root_cert: Option<&str>) -> Result<Self, TlsError> {
        let roots = root_cert.map(|value| match value {
            "system" => Roots::System,
            path => Roots::File(PathBuf::from(path)),
        });
        let mode = match mode {
            Some(mode) => SslMode::parse(mode)?,
            None if roots == Some(Roots::System) => SslMode::VerifyFull,
            None => SslMode::Prefer,
        };
        if roots == Some(Roots::System) && mode != SslMode::VerifyFull {
            return Err(TlsError::WeakWithSystemRoots(mode.name()));
        }
        let check = match (mode, roots) {
            (SslMode::Disable, _) | (SslMode::Prefer | SslMode::Require, None) => Check::Nothing,
            (SslMode::Prefer | SslMode::Require | SslMode::VerifyCa, roots) => {
                Check::Chain(roots.unwrap_or(Roots::System))
            }
            (SslMode::VerifyFull, roots) => Check::ChainAndName(roots.unwrap_or(Roots::System)),
        };
        Ok(Self { mode, check })
    }
}

/// Shown with a connection error, since a certificate that does not verify reads the same
/// under every mode.
impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sslmode={}", self.mode.name())?;
        match &self.check {
            Check::Nothing if self.mode == SslMode::Disable => Ok(()),
            Check::Nothing => f.write_str(", server certificate not checked"),
            Check::Chain(roots) => write!(f, ", server certificate checked against {roots}"),
            Check::ChainAndName(roots) => write!(
                f,
                ", server certificate and host name checked against {roots}"
            ),
        }
    }
}

/// How to connect: the connection settings, what makes each connection's TLS, and the TLS
/// settings in words for errors.
pub(super) struct Connector {
    pub(super) config: tokio_postgres::Config,
    pub(super) tls: MakeRustlsConnect,
    pub(super) summary: String,
}

/// Reads `url` (`postgres://…?sslmode=…&sslrootcert=…`, or libpq's `key=value` form, whose
/// `sslmode` tokio-postgres reads itself) and loads the roots it names, so that an unreadable
/// root file fails at start.
pub(super) fn connector(url: &str) -> Result<Connector, OpenError> {
    let (config, settings) = match split_url(url) {
        Some((rest, mode, root_cert)) => {
            let settings = Settings::new(mode.as_deref(), root_cert.as_deref())?;
            let mut config: tokio_postgres::Config = rest.parse().map_err(OpenError::Url)?;
            config.ssl_mode(settings.mode.negotiation());
            (config, settings)
        }
        None => {
            let config: tokio_postgres::Config = url.parse().map_err(OpenError::Url)?;
            let mode = match config.get_ssl_mode() {
                tokio_postgres::config::SslMode::Disable => "disable",
                tokio_postgres::config::SslMode::Require => "require",
                _ => "prefer",
            };
            (config, Settings::new(Some(mode), None)?)
        }
    };
    Ok(Connector {
        config,
        tls: MakeRustlsConnect::new(client_config(&settings.check)?),
        summary: settings.to_string(),
    })
}

/// `error` and its causes, outermost first. tokio-postgres's errors say only what failed
/// ("error performing TLS handshake") and keep why (the certificate's rejection) as their
/// source, which a message must show.
pub(super) fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        message.push_str(": ");
        message.push_str(&error.to_string());
        cause = error.source();
    }
    message
}

/// Takes `sslmode` and `sslrootcert` out of a `postgres://` URL's query and returns the URL
/// without them, with both values percent-decoded; `None` if `url` is not a URL. The query
/// starts at the first `?` after the user info, where tokio-postgres's parser looks for it.
fn split_url(url: &str) -> Option<(String, Option<String>, Option<String>)> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return None;
    }
    let after_user = url.find('@').map_or(0, |at| at + 1);
    let Some(question) = url[after_user..].find('?').map(|at| after_user + at) else {
        return Some((url.to_owned(), None, None));
    };
    let (mut mode, mut root_cert) = (None, None);
    let mut kept = Vec::new();
    for pair in url[question + 1..].split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = || percent_decode_str(value).decode_utf8_lossy().into_owned();
        match key {
            "sslmode" => mode = Some(decoded()),
            "sslrootcert" => root_cert = Some(decoded()),
            _ => kept.push(pair),
        }
    }
    let base = &url[..question];
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Some((rest, mode, root_cert))
}

/// A rustls client with the ring provider (the one the rest of Natter's TLS uses), passed in
/// rather than taken from the process default, which nothing in Natter installs.
fn client_config(check: &Check) -> Result<rustls::ClientConfig, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let algorithms = provider.signature_verification_algorithms;
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|error| TlsError::Setup(error.to_string()))?;
    let mut config = match check {
        Check::Nothing => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyHost {
                roots: None,
                algorithms,
            }))
            .with_no_client_auth(),
        Check::Chain(roots) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyHost {
                roots: Some(Arc::new(load_roots(roots)?)),
                algorithms,
            }))
            .with_no_client_auth(),
        Check::ChainAndName(roots) => {
            let verifier =
                WebPkiServerVerifier::builder_with_provider(Arc::new(load_roots(roots)?), provider)
                    .build()
                    .map_err(|error| TlsError::Setup(error.to_string()))?;
            builder.with_webpki_verifier(verifier).with_no_client_auth()
        }
    };
    // PostgreSQL 17 refuses a TLS client that names another protocol, and needs this one for
    // `sslnegotiation=direct`; older servers ignore it. libpq 17 sends it too.
    config.alpn_protocols = vec![b"postgresql".to_vec()];
    Ok(config)
}

/// The system's store (rustls-native-certs) rather than a list compiled in (webpki-roots): it
/// is what libpq's `sslrootcert=system` means, an operator adds a private or a cloud
/// provider's CA to it, the distribution's updates keep it current, and async-nats and reqwest
/// already bring the crate.
fn load_roots(roots: &Roots) -> Result<RootCertStore, TlsError> {
    let mut store = RootCertStore::empty();
    match roots {
        Roots::File(path) => load_root_file(&mut store, path)?,
        Roots::System => {
            let found = rustls_native_certs::load_native_certs();
            store.add_parsable_certificates(found.certs);
            if store.is_empty() {
                let errors: Vec<String> = found.errors.iter().map(|e| e.to_string()).collect();
                return Err(TlsError::NoSystemRoots(if errors.is_empty() {
                    "none found".to_owned()
                } else {
                    errors.join("; ")
                }));
            }
        }
    }
    Ok(store)
}

/// Every certificate in the file must be usable: a root silently skipped would surface only
/// later, as a server that "does not verify".
fn load_root_file(store: &mut RootCertStore, path: &Path) -> Result<(), TlsError> {
    let read = |error| TlsError::RootFile {
        path: path.to_owned(),
        error,
    };
    for certificate in CertificateDer::pem_file_iter(path).map_err(read)? {
        store
            .add(certificate.map_err(read)?)
            .map_err(|error| TlsError::BadRoot {
                path: path.to_owned(),
                error,
            })?;
    }
    if store.is_empty() {
        return Err(TlsError::NoRootInFile {
            path: path.to_owned(),
        });
    }
    Ok(())
}

/// Checks a server's certificate without its host name: libpq's `verify-ca`, and its `prefer`
/// and `require` given a root file. Without roots (`prefer` and `require` alone) it checks no
/// chain either. Either way the handshake's signatures are checked against the certificate's
/// key, as rustls's own verifier does: only trust in the certificate is skipped, not the proof
/// that the server holds its key.
#[derive(Debug)]
struct AnyHost {
    roots: Option<Arc<RootCertStore>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AnyHost {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(roots) = &self.roots {
            let certificate = ParsedCertificate::try_from(end_entity)?;
            verify_server_cert_signed_by_trust_anchor(
                &certificate,
                roots,
                intermediates,
                now,
                self.algorithms.all,
            )?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> Result<(String, Settings), TlsError> {
        let (rest, mode, root) = split_url(url).expect("a URL");
        Ok((rest, Settings::new(mode.as_deref(), root.as_deref())?))
    }

    #[test]
    fn the_tls_parameters_leave_the_url_and_the_rest_stays() {
        let (rest, read) = settings(
            "postgres://u:p@db.example:5432/natter?application_name=x&sslmode=verify-full\
             &sslrootcert=%2Fetc%2Fca.pem&connect_timeout=3",
        )
        .unwrap();
        assert_eq!(
            rest,
            "postgres://u:p@db.example:5432/natter?application_name=x&connect_timeout=3"
        );
        assert_eq!(
            read,
            Settings {
                mode: SslMode::VerifyFull,
                check: Check::ChainAndName(Roots::File("/etc/ca.pem".into())),
            }
        );
        let (rest, _) = settings("postgresql://db/natter?sslmode=disable").unwrap();
        assert_eq!(rest, "postgresql://db/natter");
        // A `?` in the password is not the query.
        let (rest, read) = settings("postgres://u:a?b@db/natter").unwrap();
        assert_eq!(rest, "postgres://u:a?b@db/natter");
        assert_eq!(read.mode, SslMode::Prefer);
    }

    #[test]
    fn modes_check_what_libpq_checks() {
        let check = |url| settings(url).unwrap().1.check;
        let file = || Roots::File("ca.pem".into());
        assert_eq!(check("postgres://db/x"), Check::Nothing);
        assert_eq!(check("postgres://db/x?sslmode=require"), Check::Nothing);
        assert_eq!(
            check("postgres://db/x?sslmode=require&sslrootcert=ca.pem"),
            Check::Chain(file())
        );
        assert_eq!(
            check("postgres://db/x?sslrootcert=ca.pem"),
            Check::Chain(file())
        );
        assert_eq!(
            check("postgres://db/x?sslmode=disable&sslrootcert=ca.pem"),
            Check::Nothing
        );
        assert_eq!(
            check("postgres://db/x?sslmode=verify-ca"),
            Check::Chain(Roots::System)
        );
        assert_eq!(
            check("postgres://db/x?sslmode=verify-full"),
            Check::ChainAndName(Roots::System)
        );
        assert_eq!(
            settings("postgres://db/x?sslrootcert=system").unwrap().1,
            Settings {
                mode: SslMode::VerifyFull,
                check: Check::ChainAndName(Roots::System),
            }
        );
    }

    #[test]
    fn unsupported_settings_are_refused() {
        let refused = |url| settings(url).unwrap_err().to_string();
        assert!(refused("postgres://db/x?sslmode=bogus").contains("sslmode=bogus"));
        assert!(refused("postgres://db/x?sslmode=allow").contains("not supported"));
        assert!(
            refused("postgres://db/x?sslmode=require&sslrootcert=system").contains("verify-full")
        );
        // Client certificates are not supported: tokio-postgres's parser names the option.
        let Err(error) = connector("postgres://db/x?sslmode=require&sslcert=client.pem") else {
            panic!("sslcert accepted");
        };
        assert!(
            error.to_string().contains("unknown option `sslcert`"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_or_empty_root_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let error = load_roots(&Roots::File(missing.clone())).unwrap_err();
        assert!(matches!(error, TlsError::RootFile { .. }), "{error}");
        assert!(error.to_string().contains(&*missing.to_string_lossy()));
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let error = load_roots(&Roots::File(empty)).unwrap_err();
        assert!(matches!(error, TlsError::NoRootInFile { .. }), "{error}");
    }

    #[test]
    fn the_key_value_form_keeps_its_own_sslmode() {
        let connector = connector("host=db.example user=natter sslmode=require").unwrap();
        assert_eq!(
            connector.summary,
            "sslmode=require, server certificate not checked"
        );
        assert_eq!(
            connector.config.get_ssl_mode(),
            tokio_postgres::config::SslMode::Require
        );
    }
}
