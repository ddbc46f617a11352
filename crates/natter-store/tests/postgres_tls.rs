//! TLS to a real PostgreSQL server under each `sslmode`: what connects, whether the session is
//! really encrypted (PostgreSQL's own `pg_stat_ssl` says), and what is refused, with which error.
//! Runs when `NATTER_TEST_POSTGRES` and `NATTER_TEST_POSTGRES_CA` name a server with TLS and its
//! CA, as `scripts/with-services.sh` sets them: a certificate for `localhost` and 127.0.0.1.

use natter_store::Store;
use natter_store::postgres::{OpenError, PostgresLimits, TlsError};

/// One connection is enough to see how it was made.
const ONE_CONNECTION: PostgresLimits = PostgresLimits {
    connections: 1,
    answer_within: std::time::Duration::from_secs(30),
};

/// The test server's admin URL and its CA's PEM file, or `None` (with a note) without them.
fn server() -> Option<(String, String)> {
    let admin = std::env::var("NATTER_TEST_POSTGRES").ok();
    let ca = std::env::var("NATTER_TEST_POSTGRES_CA").ok();
    match (admin, ca) {
        (Some(admin), Some(ca)) if !admin.is_empty() && !ca.is_empty() => Some((admin, ca)),
        _ => {
            eprintln!(
                "SKIPPED: the PostgreSQL TLS tests need NATTER_TEST_POSTGRES and \
                 NATTER_TEST_POSTGRES_CA (run them through scripts/with-services.sh)"
            );
            None
        }
    }
}

/// A fresh database's URL (`postgres://…/name`), made over a plaintext admin connection.
fn fresh_database(admin_url: &str) -> String {
    let name = format!("natter_tls_test_{:016x}", fastrand::u64(..));
    let (admin, create) = (admin_url.to_owned(), format!("CREATE DATABASE {name}"));
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        client.batch_execute(&create).unwrap();
    })
    .join()
    .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// Whether the store's own connection is encrypted, by the server's account.
async fn encrypted(store: &Store) -> bool {
    let row = store
        .read(|db| {
            db.query_one(
                "SELECT count(*) FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl",
                &[],
            )
        })
        .await
        .unwrap();
    row.get::<i64>(0).unwrap() == 1
}

/// Opens `url` and says whether its connection is encrypted.
async fn open_and_check(url: &str) -> bool {
    let store = Store::open_postgres(url, ONE_CONNECTION)
        .await
        .unwrap_or_else(|error| panic!("{url} opens: {error}"));
    let encrypted = encrypted(&store).await;
    store.close().await;
    encrypted
}

/// The same database reached by a host name that its certificate does not name.
fn under_another_name(url: &str) -> String {
    let (_, port_and_path) = url.rsplit_once(':').unwrap();
    format!(
        "postgres://postgres@natter-not-in-the-certificate.invalid:{port_and_path}?hostaddr=127.0.0.1"
    )
}

#[tokio::test]
async fn verify_full_with_the_ca_connects_encrypted() {
    let Some((admin, ca)) = server() else { return };
    let url = fresh_database(&admin);
    assert!(open_and_check(&format!("{url}?sslmode=verify-full&sslrootcert={ca}")).await);
    // Both names in the certificate verify.
    let by_name = url.replace("127.0.0.1", "localhost");
    assert!(open_and_check(&format!("{by_name}?sslmode=verify-full&sslrootcert={ca}")).await);
}

#[tokio::test]
async fn require_without_a_ca_connects_encrypted() {
    let Some((admin, _)) = server() else { return };
    let url = fresh_database(&admin);
    assert!(open_and_check(&format!("{url}?sslmode=require")).await);
}

#[tokio::test]
async fn the_default_prefer_uses_tls_when_the_server_offers_it() {
    let Some((admin, _)) = server() else { return };
    assert!(open_and_check(&fresh_database(&admin)).await);
}

#[tokio::test]
async fn disable_connects_unencrypted() {
    let Some((admin, ca)) = server() else { return };
    let url = fresh_database(&admin);
    assert!(!open_and_check(&format!("{url}?sslmode=disable")).await);
    // The root file is not even read.
    assert!(!open_and_check(&format!("{url}?sslmode=disable&sslrootcert={ca}.missing")).await);
}

#[tokio::test]
async fn verify_full_against_the_system_roots_is_refused() {
    let Some((admin, _)) = server() else { return };
    let url = format!("{}?sslmode=verify-full", fresh_database(&admin));
    let error = Store::open_postgres(&url, ONE_CONNECTION)
        .await
        .err()
        .expect("refused");
    let message = error.to_string();
    match error {
        OpenError::Connect { .. } => {
            assert!(message.contains("invalid peer certificate"), "{message}");
            assert!(message.contains("the system's trusted roots"), "{message}");
        }
        // A machine without a CA bundle refuses before connecting.
        OpenError::Tls(TlsError::NoSystemRoots(_)) => {}
        other => panic!("refused for another reason: {other}"),
    }
}

#[tokio::test]
async fn verify_full_against_a_host_name_not_in_the_certificate_is_refused() {
    let Some((admin, ca)) = server() else { return };
    let url = under_another_name(&fresh_database(&admin));
    let error = Store::open_postgres(
        &format!("{url}&sslmode=verify-full&sslrootcert={ca}"),
        ONE_CONNECTION,
    )
    .await
    .err()
    .expect("refused");
    assert!(matches!(error, OpenError::Connect { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("not valid for name"), "{message}");
    assert!(message.contains("host name checked"), "{message}");
    // verify-ca checks the chain only, as libpq's does.
    assert!(open_and_check(&format!("{url}&sslmode=verify-ca&sslrootcert={ca}")).await);
}

#[tokio::test]
async fn require_with_a_ca_checks_the_chain() {
    let Some((admin, _)) = server() else { return };
    let url = fresh_database(&admin);
    // A CA that did not sign the server's certificate: a valid PEM certificate of another CA.
    let dir = tempfile::tempdir().unwrap();
    let other_ca = dir.path().join("other-ca.pem");
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
        .args(["-subj", "/CN=another CA", "-keyout"])
        .arg(dir.path().join("other-ca.key"))
        .arg("-out")
        .arg(&other_ca)
        .output()
        .unwrap();
    assert!(made.status.success(), "openssl: {made:?}");
    let error = Store::open_postgres(
        &format!("{url}?sslmode=require&sslrootcert={}", other_ca.display()),
        ONE_CONNECTION,
    )
    .await
    .err()
    .expect("refused");
    let message = error.to_string();
    assert!(message.contains("UnknownIssuer"), "{message}");
}

/// PostgreSQL offers no TLS on its Unix socket: a server without TLS, to `require`.
#[tokio::test]
async fn require_against_a_server_without_tls_is_refused() {
    let Some((admin, _)) = server() else { return };
    let Ok(socket_dir) = std::env::var("NATTER_TEST_POSTGRES_SOCKET_DIR") else {
        eprintln!("SKIPPED: needs NATTER_TEST_POSTGRES_SOCKET_DIR (scripts/with-services.sh)");
        return;
    };
    let url = fresh_database(&admin);
    let (_, port_and_path) = url.rsplit_once(':').unwrap();
    let socket = socket_dir.replace('/', "%2F");
    let over_socket = format!("postgres://postgres@{socket}:{port_and_path}");
    assert!(
        !open_and_check(&over_socket).await,
        "prefer falls back to plaintext"
    );
    let error = Store::open_postgres(&format!("{over_socket}?sslmode=require"), ONE_CONNECTION)
        .await
        .err()
        .expect("refused");
    let message = error.to_string();
    assert!(message.contains("server does not support TLS"), "{message}");
    assert!(message.contains("sslmode=require"), "{message}");
}

#[tokio::test]
async fn bad_tls_settings_are_refused_before_connecting() {
    let Some((admin, _)) = server() else { return };
    let url = fresh_database(&admin);
    let refused = async |query: &str| {
        Store::open_postgres(&format!("{url}?{query}"), ONE_CONNECTION)
            .await
            .err()
            .expect("refused")
    };
    let error = refused("sslmode=bogus").await;
    assert!(
        matches!(error, OpenError::Tls(TlsError::UnknownMode(_))),
        "{error}"
    );
    assert!(error.to_string().contains("sslmode=bogus"), "{error}");
    let error = refused("sslmode=verify-full&sslrootcert=/nonexistent/ca.pem").await;
    assert!(
        matches!(error, OpenError::Tls(TlsError::RootFile { .. })),
        "{error}"
    );
    assert!(error.to_string().contains("/nonexistent/ca.pem"), "{error}");
}
