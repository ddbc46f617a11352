//! The launcher against stand-ins for `natter serve`: shell scripts that print what a server
//! prints, or fail as one fails.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Duration;

use natter_launch::{LaunchError, ServerCommand, ServerLog};
use tokio::sync::{Mutex, MutexGuard};

/// Held by each test from writing its script until its server is gone. The tests share one
/// process: a test that forks while another is still writing its script hands the child a copy
/// of that open file, and the script then fails to run with "Text file busy" (ETXTBSY) until the
/// child execs. One test at a time cannot race so.
static ONE_SCRIPT_AT_A_TIME: Mutex<()> = Mutex::const_new(());

async fn alone() -> MutexGuard<'static, ()> {
    ONE_SCRIPT_AT_A_TIME.lock().await
}

/// An executable script in `dir` that runs `body` (whatever arguments it is given).
fn script(dir: &tempfile::TempDir, body: &str) -> PathBuf {
    let path = dir.path().join("fake-natter");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[tokio::test]
async fn the_url_comes_from_the_listening_line_and_the_command_line_is_natter_serve() {
    let _alone = alone().await;
    let dir = tempfile::tempdir().unwrap();
    let args = dir.path().join("args");
    let program = script(
        &dir,
        &format!(
            "echo \"$@\" > {}\necho starting\necho 'natter listening on http://127.0.0.1:4321'\n\
             exec sleep 30",
            args.display()
        ),
    );
    let server = ServerCommand::new(&program)
        .data_dir("/data")
        .manager_token("m")
        .database_url("postgres://db")
        .args(["--rate-limit", "0"])
        .spawn()
        .await
        .unwrap();
    assert_eq!(server.url(), "http://127.0.0.1:4321");
    assert_eq!(
        std::fs::read_to_string(&args).unwrap().trim(),
        "serve --listen 127.0.0.1:0 --data-dir /data --manager-token m \
         --database-url postgres://db --rate-limit 0"
    );
    let status = server.terminate(Duration::from_secs(10)).await.unwrap();
    assert!(!status.success(), "sleep dies of SIGTERM");
}

#[tokio::test]
async fn a_server_that_exits_first_fails_with_what_it_printed() {
    let _alone = alone().await;
    let dir = tempfile::tempdir().unwrap();
    let program = script(&dir, "echo 'cannot open the database' >&2\nexit 3");
    let error = ServerCommand::new(&program).spawn().await.unwrap_err();
    let LaunchError::Exited { status, output } = &error else {
        panic!("{error}");
    };
    assert_eq!(status.code(), Some(3));
    assert!(output.contains("cannot open the database"), "{error}");
}

#[tokio::test]
async fn a_server_that_never_listens_times_out_with_its_output_so_far() {
    let _alone = alone().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let program = script(&dir, "echo 'waiting for the database' >&2\nexec sleep 30");
    let error = ServerCommand::new(&program)
        .log(ServerLog::AppendTo(log.clone()))
        .startup_timeout(Duration::from_millis(500))
        .spawn()
        .await
        .unwrap_err();
    let LaunchError::NotListening { output, .. } = &error else {
        panic!("{error}");
    };
    assert!(output.contains("waiting for the database"), "{error}");
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("waiting for the database"),
        "the log gets the same lines"
    );
}
