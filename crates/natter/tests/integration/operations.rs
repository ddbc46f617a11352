//! Operating Natter: backups and restores, one server per data dir, refusing a database from a
//! newer Natter, plain-text logs, and acknowledged conversation changes surviving kill -9.

use std::ffi::OsStr;

use crate::common::process::{Process, run_command};
use crate::common::{Storage, random_token};
use serde_json::json;

fn args<'a>(parts: &'a [&'a OsStr]) -> &'a [&'a OsStr] {
    parts
}

#[tokio::test]
async fn an_online_backup_restores_into_a_working_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let backup = dir.path().join("backup.sqlite3");
    let token = random_token("manager");
    let server = Process::start(&data, &token).await;
    let alice = server.endpoint.user("alice").await;
    server
        .endpoint
        .user("bob")
        .await
        .send_text("C2Calice", "kept")
        .await;

    let (ok, output) = run_command(args(&[
        "backup".as_ref(),
        "--data-dir".as_ref(),
        data.as_os_str(),
        backup.as_os_str(),
    ]));
    assert!(ok, "{output}");
    // The restore is refused while the server holds the data dir.
    let restore = [
        OsStr::new("restore"),
        OsStr::new("--data-dir"),
        data.as_os_str(),
        backup.as_os_str(),
    ];
    let (ok, output) = run_command(&restore);
    assert!(!ok && output.contains("in use"), "{output}");
    // A second backup never overwrites a file.
    let (ok, output) = run_command(args(&[
        "backup".as_ref(),
        "--data-dir".as_ref(),
        data.as_os_str(),
        backup.as_os_str(),
    ]));
    assert!(!ok && output.contains("already exists"), "{output}");

    alice.delete(&["C2Cbob"], Some(true)).await.ok();
    server.sigterm().await;
    let (ok, output) = run_command(&restore);
    assert!(ok, "{output}");
    let server = Process::start(&data, &token).await;
    let alice = server.endpoint.with_bearer(&alice.token);
    let list = alice.get("/v1/conversations").await.ok();
    assert_eq!(
        list["conversationList"][0]["conversationID"], "C2Cbob",
        "the state of the backup"
    );
}

#[tokio::test]
async fn a_damaged_backup_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bogus = dir.path().join("bogus.sqlite3");
    std::fs::write(&bogus, b"this is not a database").unwrap();
    let (ok, output) = run_command(&[
        OsStr::new("restore"),
        OsStr::new("--data-dir"),
        data.as_os_str(),
        bogus.as_os_str(),
    ]);
    assert!(!ok, "{output}");
    assert!(
        !data.join("natter.sqlite3").exists(),
        "nothing was replaced"
    );
}

#[tokio::test]
async fn two_servers_never_share_a_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let token = random_token("manager");
    let _first = Process::start(dir.path(), &token).await;
    let (ok, output) = run_command(&[
        OsStr::new("serve"),
        OsStr::new("--listen"),
        OsStr::new("127.0.0.1:0"),
        OsStr::new("--data-dir"),
        dir.path().as_os_str(),
    ]);
    assert!(!ok, "{output}");
    assert!(
        output.contains("in use by another running natter"),
        "{output}"
    );
}

/// Logs written to a file or a pipe are plain text: no colour escape codes.
#[tokio::test]
async fn logs_off_a_terminal_are_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let token = random_token("manager");
    let _first = Process::start(dir.path(), &token).await;
    // An unknown variable is logged as a warning; the data dir in use then stops the server.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_natter"))
        .args([
            OsStr::new("serve"),
            OsStr::new("--listen"),
            OsStr::new("127.0.0.1:0"),
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .env_clear()
        .env("NATTER_LOG", "warn")
        .env("NATTER_NO_SUCH_SETTING", "1")
        .output()
        .expect("the natter binary runs");
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(logs.contains("NATTER_NO_SUCH_SETTING"), "{logs}");
    assert!(
        !logs.contains('\u{1b}'),
        "escape codes in the logs: {logs:?}"
    );
}

#[tokio::test]
async fn a_database_from_a_newer_natter_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let token = random_token("manager");
    Process::start(dir.path(), &token).await.sigterm().await;
    let conn = rusqlite::Connection::open(dir.path().join("natter.sqlite3")).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    let (ok, output) = run_command(&[
        OsStr::new("serve"),
        OsStr::new("--listen"),
        OsStr::new("127.0.0.1:0"),
        OsStr::new("--data-dir"),
        dir.path().as_os_str(),
    ]);
    assert!(!ok, "{output}");
    assert!(output.contains("newer than this Natter knows"), "{output}");
}

#[tokio::test]
async fn acknowledged_deletes_archives_and_preferences_survive_kill_9() {
    let storage = Storage::new();
    let token = random_token("manager");
    let server = Process::start_on(&storage, &token).await;
    let alice = server.endpoint.user("alice").await;
    for peer in ["bob", "carol", "dave", "erin"] {
        server
            .endpoint
            .user(peer)
            .await
            .send_text("C2Calice", "hi")
            .await;
    }
    alice.delete(&["C2Cbob"], Some(true)).await.ok();
    alice
        .post(
            "/v1/conversations/archive",
            json!({"conversationIDList": ["C2Ccarol"]}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversations/pin",
            json!({"conversationID": "C2Cdave", "isPinned": true}),
        )
        .await
        .ok();
    alice
        .post(
            "/v1/conversations/draft",
            json!({"conversationID": "C2Cerin", "draftText": "later"}),
        )
        .await
        .ok();
    alice.read("C2Cerin", None).await.ok();
    server.sigkill().await;

    let server = Process::start_on(&storage, &token).await;
    let alice = server.endpoint.with_bearer(&alice.token);
    let list = alice.get("/v1/conversations").await.ok();
    let ids: Vec<_> = list["conversationList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|conversation| conversation["conversationID"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids,
        ["C2Cdave", "C2Cerin"],
        "pinned first; bob deleted; carol archived"
    );
    assert_eq!(list["conversationList"][0]["isPinned"], true);
    assert_eq!(list["conversationList"][1]["draftText"], "later");
    assert_eq!(list["conversationList"][1]["unreadCount"], 0);
    let history = alice.get("/v1/conversations/C2Cbob/messages").await.ok();
    assert_eq!(history["messageList"], json!([]), "the clear survived too");
    let archived = alice.get("/v1/conversations?archived=true").await.ok();
    assert_eq!(
        archived["conversationList"][0]["conversationID"],
        "C2Ccarol"
    );
}

#[tokio::test]
async fn the_server_serves_its_built_in_web_client_at_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let server = Process::start(dir.path(), &random_token("manager")).await;
    let http = reqwest::Client::new();
    let base = &server.endpoint.base;

    let page = http.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let etag = page.headers()["etag"].clone();
    let html = page.text().await.unwrap();
    assert!(html.contains("app.js"), "{html}");
    let script = http.get(format!("{base}/app.js")).send().await.unwrap();
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    let again = http
        .get(format!("{base}/"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304, "an unchanged file is not sent again");
    // Unknown files and other methods are the API's 404, not the page.
    for (method, path) in [("GET", "/nope.js"), ("POST", "/"), ("GET", "/v1/nope")] {
        let answer = http
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{method} {path}");
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(body["error"], "not_found");
    }
    server.sigterm().await;

    let api_only = Process::start_with(dir.path(), None, &["--no-web"], &random_token("m")).await;
    let answer = http
        .get(format!("{}/", api_only.endpoint.base))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404, "--no-web serves no page");
}

/// `natter serve` on PostgreSQL over TLS whose certificate and host name it checks, and its
/// refusal to start when the certificate does not verify. Needs the TLS-serving PostgreSQL of
/// `scripts/with-services.sh`.
#[tokio::test]
async fn the_server_reaches_postgres_over_verified_tls_or_refuses_to_start() {
    let (Some(database), Ok(ca)) = (
        Storage::new().database_url,
        std::env::var("NATTER_TEST_POSTGRES_CA"),
    ) else {
        eprintln!(
            "SKIPPED: PostgreSQL over TLS needs NATTER_TEST_POSTGRES and NATTER_TEST_POSTGRES_CA \
             (run it through scripts/with-services.sh)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let token = random_token("manager");
    // The harness's URL has a query already: the options that name its schema.
    let verified = format!("{database}&sslmode=verify-full&sslrootcert={ca}");
    let server = Process::start_with(dir.path(), Some(&verified), &[], &token).await;
    let alice = server.endpoint.user("alice").await;
    server
        .endpoint
        .user("bob")
        .await
        .send_text("C2Calice", "over TLS")
        .await;
    let list = alice.get("/v1/conversations").await.ok();
    assert_eq!(list["conversationList"][0]["conversationID"], "C2Cbob");
    server.sigterm().await;

    // The system's roots do not include the test CA.
    let unverified = format!("{database}&sslmode=verify-full");
    let (ok, output) = run_command(&[
        OsStr::new("serve"),
        OsStr::new("--listen"),
        OsStr::new("127.0.0.1:0"),
        OsStr::new("--database-url"),
        OsStr::new(&unverified),
    ]);
    assert!(!ok, "{output}");
    assert!(output.contains("sslmode=verify-full"), "{output}");
    assert!(output.contains("invalid peer certificate"), "{output}");
}
