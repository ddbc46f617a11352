use std::path::{Path, PathBuf};

use clap::{Args, Command};

use super::layers::known_variables;
use super::*;

/// `natter serve` with these flags and `NATTER_*` variables.
fn load(flags: &[&str], variables: &[(&str, &str)]) -> anyhow::Result<Config> {
    let args = ServeArgs::parse_from(flags).expect("the flags parse");
    Config::load(&args, &owned(variables))
}

fn owned(variables: &[(&str, &str)]) -> Vec<(String, String)> {
    variables
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn message(error: anyhow::Error) -> String {
    format!("{error:#}")
}

#[test]
fn the_defaults_are_the_attributes() {
    let config = Config::default();
    assert_eq!(config.listen, "127.0.0.1:5001".parse().unwrap());
    assert_eq!(config.data_dir, PathBuf::from("natter-data"));
    assert_eq!(config.database(), Database::Sqlite);
    assert_eq!(config.database_connections, 16);
    assert_eq!(config.nats_url, None);
    assert_eq!(config.cluster_name, "natter");
    assert_eq!(config.manager_token, None);
    assert_eq!(config.sync_conversation_deletion, None);
    assert_eq!(config.rate_limit, 50);
    assert_eq!(config.max_body_bytes, 1 << 20);
    assert_eq!(config.max_connections, 100_000);
    assert_eq!(config.ws_idle_timeout(), Duration::from_secs(90));
    assert_eq!(config.max_connections_per_user, 32);
    assert_eq!(config.ip_rate_limit, 0);
    assert_eq!(config.request_timeout(), Duration::from_secs(30));
    assert_eq!(config.log_format, LogFormat::Text);
    assert_eq!(config.purge_interval(), Duration::from_secs(60));
    assert_eq!(config.retention(), None);
    assert_eq!(config.web_dir, None);
    assert!(!config.dev);
    // Nothing given: the defaults, unchanged by the layering.
    assert_eq!(load(&[], &[]).unwrap(), config);
}

#[test]
fn each_layer_wins_over_the_one_before() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "natter.toml",
        "rate_limit = 2\nip_rate_limit = 2\nmax_connections = 2\n",
    );
    let config = load(
        &["--config", &file, "--rate-limit", "4"],
        &[("NATTER_RATE_LIMIT", "3"), ("NATTER_IP_RATE_LIMIT", "3")],
    )
    .unwrap();
    assert_eq!(config.rate_limit, 4, "the flag wins over the variable");
    assert_eq!(config.ip_rate_limit, 3, "the variable wins over the file");
    assert_eq!(config.max_connections, 2, "the file wins over the default");
    assert_eq!(config.max_body_bytes, 1 << 20, "the default fills the rest");
}

#[test]
fn a_default_given_as_a_flag_still_wins() {
    // clap fills in the defaults too; only what was on the command line is a flag.
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "natter.toml", "rate_limit = 7\n");
    let config = load(&["--config", &file, "--rate-limit", "50"], &[]).unwrap();
    assert_eq!(config.rate_limit, 50);
    let config = load(&["--config", &file], &[]).unwrap();
    assert_eq!(config.rate_limit, 7);
}

#[test]
fn the_config_file_may_come_from_its_variable() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "natter.toml", "cluster_name = \"blue\"\n");
    let config = load(&[], &[("NATTER_CONFIG", &file)]).unwrap();
    assert_eq!(config.cluster_name, "blue");
}

#[test]
fn variables_of_every_type_parse() {
    let config = load(
        &[],
        &[
            ("NATTER_LISTEN", "0.0.0.0:6000"),
            ("NATTER_DATA_DIR", "/srv/natter"),
            ("NATTER_DATABASE_URL", "postgres://natter:pw@db:5432/natter"),
            ("NATTER_DATABASE_CONNECTIONS", "8"),
            ("NATTER_DATABASE_TIMEOUT_SECS", "3"),
            ("NATTER_NATS_URL", "nats://nats:4222"),
            ("NATTER_CLUSTER_NAME", "123"),
            ("NATTER_MANAGER_TOKEN", "42"),
            ("NATTER_LOG_FORMAT", "json"),
            ("NATTER_DEV", "true"),
            ("NATTER_SYNC_CONVERSATION_DELETION", "false"),
        ],
    )
    .unwrap();
    assert_eq!(config.listen.port(), 6000);
    assert_eq!(config.data_dir, PathBuf::from("/srv/natter"));
    assert_eq!(
        config.database(),
        Database::Postgres {
            url: "postgres://natter:pw@db:5432/natter".into(),
            limits: PostgresLimits {
                connections: 8,
                answer_within: Duration::from_secs(3),
            },
        }
    );
    assert_eq!(config.nats_url.as_deref(), Some("nats://nats:4222"));
    // Strings that look like numbers stay strings.
    assert_eq!(config.cluster_name, "123");
    assert_eq!(config.manager_token.as_deref(), Some("42"));
    assert_eq!(config.log_format, LogFormat::Json);
    assert!(config.dev);
    assert_eq!(config.sync_conversation_deletion, Some(false));
}

#[test]
fn booleans_given_alone_mean_true_and_sync_stays_unset_unless_given() {
    assert!(load(&["--dev"], &[]).unwrap().dev);
    assert!(!load(&["--dev", "false"], &[]).unwrap().dev);
    assert!(
        !load(&["--dev=false"], &[("NATTER_DEV", "true")])
            .unwrap()
            .dev
    );
    let config = load(&["--sync-conversation-deletion", "--dev"], &[]).unwrap();
    assert_eq!(config.sync_conversation_deletion, Some(true));
    assert!(config.dev);
    assert_eq!(load(&[], &[]).unwrap().sync_conversation_deletion, None);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "natter.toml",
        "sync_conversation_deletion = false\n",
    );
    let config = load(&["--config", &file], &[]).unwrap();
    assert_eq!(config.sync_conversation_deletion, Some(false));
    assert_eq!(config.friend_status_notification, None);
    let config = load(&[], &[("NATTER_FRIEND_STATUS_NOTIFICATION", "true")]).unwrap();
    assert_eq!(config.friend_status_notification, Some(true));
}

#[test]
fn minimums_forever_and_an_empty_token() {
    let config = load(
        &[
            "--ws-idle-timeout-secs",
            "0",
            "--request-timeout-secs",
            "0",
            "--purge-interval-secs",
            "0",
            "--max-connections-per-user",
            "0",
            "--retention-days",
            "0",
            "--manager-token",
            "",
        ],
        &[],
    )
    .unwrap();
    assert_eq!(config.ws_idle_timeout(), Duration::from_secs(1));
    assert_eq!(config.request_timeout(), Duration::from_secs(1));
    assert_eq!(config.purge_interval(), Duration::from_secs(1));
    assert_eq!(config.max_connections_per_user, 1);
    assert_eq!(config.retention(), None);
    assert_eq!(config.manager_token, None);
    let config = load(&["--retention-days", "2"], &[]).unwrap();
    assert_eq!(
        config.retention(),
        Some(Duration::from_secs(2 * 24 * 60 * 60))
    );
    let config = load(
        &["--database-url", "postgresql://h/db"],
        &[("NATTER_DATABASE_CONNECTIONS", "0")],
    )
    .unwrap();
    assert_eq!(config.database_connections, 1);
}

#[test]
fn secrets_are_read_from_their_file_forms() {
    let dir = tempfile::tempdir().unwrap();
    let token = write(dir.path(), "token", "  s3cret\n");
    let database = write(dir.path(), "database", "postgres://natter:pw@db/natter\n");
    let nats = write(dir.path(), "nats", "nats://user:pw@nats:4222\n");
    let file = write(
        dir.path(),
        "natter.toml",
        &format!("database_url_file = {database:?}\n"),
    );
    let config = load(
        &["--config", &file, "--manager-token-file", &token],
        &[("NATTER_NATS_URL_FILE", &nats)],
    )
    .unwrap();
    assert_eq!(config.manager_token.as_deref(), Some("s3cret"));
    assert_eq!(
        config.database_url.as_deref(),
        Some("postgres://natter:pw@db/natter")
    );
    assert_eq!(config.nats_url.as_deref(), Some("nats://user:pw@nats:4222"));
}

#[test]
fn a_secret_and_its_file_form_in_one_layer_is_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let token = write(dir.path(), "token", "s3cret");
    let error = load(
        &["--manager-token", "x", "--manager-token-file", &token],
        &[],
    )
    .unwrap_err();
    let error = message(error);
    assert!(
        error.contains("--manager-token and --manager-token-file"),
        "{error}"
    );
    let error = load(
        &[],
        &[
            ("NATTER_DATABASE_URL", "postgres://h/db"),
            ("NATTER_DATABASE_URL_FILE", &token),
        ],
    )
    .unwrap_err();
    let error = message(error);
    assert!(
        error.contains("NATTER_DATABASE_URL and NATTER_DATABASE_URL_FILE"),
        "{error}"
    );
    let file = write(
        dir.path(),
        "natter.toml",
        &format!("nats_url = \"nats://h:4222\"\nnats_url_file = {token:?}\n"),
    );
    let error = message(load(&["--config", &file], &[]).unwrap_err());
    assert!(
        error.contains("nats_url in") && error.contains("nats_url_file in"),
        "{error}"
    );
}

#[test]
fn across_layers_the_later_form_of_a_secret_wins() {
    let dir = tempfile::tempdir().unwrap();
    let token = write(dir.path(), "token", "from-file");
    // The file the variable names is never read: the flag wins.
    let config = load(
        &["--manager-token", "from-flag"],
        &[("NATTER_MANAGER_TOKEN_FILE", "/nonexistent/token")],
    )
    .unwrap();
    assert_eq!(config.manager_token.as_deref(), Some("from-flag"));
    let config = load(
        &["--manager-token-file", &token],
        &[("NATTER_MANAGER_TOKEN", "from-variable")],
    )
    .unwrap();
    assert_eq!(config.manager_token.as_deref(), Some("from-file"));
}

#[test]
fn an_unreadable_secret_file_is_named() {
    let error = message(load(&["--manager-token-file", "/nonexistent/token"], &[]).unwrap_err());
    assert!(error.contains("--manager-token-file"), "{error}");
    assert!(error.contains("/nonexistent/token"), "{error}");
}

#[test]
fn an_unknown_key_in_the_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "natter.toml", "lisen = \"127.0.0.1:7000\"\n");
    let error = message(load(&["--config", &file], &[]).unwrap_err());
    assert!(error.contains("\"lisen\""), "{error}");
    assert!(error.contains("did you mean listen?"), "{error}");
    // `--config` is no key: a file cannot name another file.
    let file = write(dir.path(), "other.toml", "config = \"natter.toml\"\n");
    let error = message(load(&["--config", &file], &[]).unwrap_err());
    assert!(error.contains("\"config\""), "{error}");
}

#[test]
fn unknown_variables_are_reported_and_known_ones_are_not() {
    let warnings = unknown_variables(&owned(&[
        ("NATTER_LISTN", "127.0.0.1:1"),
        ("NATTER_NO_SUCH_THING", "1"),
        ("NATTER_LOG", "debug"),
        ("NATTER_CONFIG", "natter.toml"),
        ("NATTER_MANAGER_TOKEN_FILE", "token"),
        ("NATTER_RETENTION_DAYS", "3"),
        ("HOME", "/root"),
    ]));
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("NATTER_LISTN") && warnings[0].contains("did you mean NATTER_LISTEN?"),
        "{warnings:?}"
    );
    assert!(warnings[1].contains("NATTER_NO_SUCH_THING"), "{warnings:?}");
    // An unknown variable changes nothing.
    assert_eq!(
        load(&[], &[("NATTER_LISTN", "127.0.0.1:1")]).unwrap(),
        Config::default()
    );
}

#[test]
fn every_setting_has_a_variable_and_a_key_known_from_its_definition() {
    let known = known_variables();
    let defaults = figment::value::Value::serialize(Config::default()).unwrap();
    for key in defaults.into_dict().unwrap().keys() {
        assert!(known.contains(&variable(key)), "{key}");
    }
    for secret in SECRETS {
        assert!(known.contains(&variable(&file_key(secret))), "{secret}");
    }
    assert!(known.contains(&"NATTER_CONFIG".to_owned()));
    assert!(known.contains(&"NATTER_LOG".to_owned()));
}

#[test]
fn every_setting_is_a_flag_with_a_description() {
    let command = ServeArgs::augment_args(Command::new("serve"));
    for arg in command.get_arguments() {
        assert!(arg.get_long().is_some(), "{} has no --flag", arg.get_id());
        assert!(
            arg.get_help().is_some(),
            "{} has no doc comment",
            arg.get_id()
        );
    }
}

#[test]
fn help_shows_each_variable_and_default() {
    let help = ServeArgs::augment_args(Command::new("serve"))
        .render_long_help()
        .to_string();
    for expected in [
        "--listen <LISTEN>",
        "[env: NATTER_LISTEN]",
        "[default: 127.0.0.1:5001]",
        "--manager-token-file <FILE>",
        "[env: NATTER_MANAGER_TOKEN_FILE]",
        "--database-url-file <FILE>",
        "--nats-url-file <FILE>",
        "[env: NATTER_CONFIG]",
    ] {
        assert!(help.contains(expected), "{expected} missing from:\n{help}");
    }
}

#[test]
fn errors_name_the_setting_as_it_was_given() {
    let error = message(load(&[], &[("NATTER_RATE_LIMIT", "lots")]).unwrap_err());
    assert!(error.starts_with("NATTER_RATE_LIMIT: "), "{error}");
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "natter.toml", "listen = \"nowhere\"\n");
    let error = message(load(&["--config", &file], &[]).unwrap_err());
    assert!(error.starts_with("listen in "), "{error}");
    let error = message(load(&[], &[("NATTER_DATABASE_URL", "mysql://h/db")]).unwrap_err());
    assert!(
        error.starts_with("NATTER_DATABASE_URL: expected postgres://"),
        "{error}"
    );
    let error = message(load(&["--nats-url", "nats://h:4222"], &[]).unwrap_err());
    assert!(
        error.starts_with(
            "--nats-url needs a PostgreSQL database too (--database-url, NATTER_DATABASE_URL"
        ),
        "{error}"
    );
    let error = message(
        load(
            &["--database-url", "postgres://h/db"],
            &[("NATTER_NATS_URL", "http://user:pw@h")],
        )
        .unwrap_err(),
    );
    assert_eq!(error, "NATTER_NATS_URL: expected nats://host:port");
    let file = write(dir.path(), "cluster.toml", "cluster_name = \"a b\"\n");
    let error = message(load(&["--config", &file], &[]).unwrap_err());
    assert!(
        error.contains("cluster_name in") && error.contains("letters, digits"),
        "{error}"
    );
    let error =
        message(load(&["--wukongim-advertise-ws", "im.example.com:5200"], &[]).unwrap_err());
    assert_eq!(
        error,
        "--wukongim-advertise-ws \"im.example.com:5200\": expected ws://host:port"
    );
    let error = message(
        load(
            &[],
            &[("NATTER_WUKONGIM_ADVERTISE_TCP", "tcp://im.example.com:5100")],
        )
        .unwrap_err(),
    );
    assert!(
        error.starts_with("NATTER_WUKONGIM_ADVERTISE_TCP "),
        "{error}"
    );
    let advertised = load(
        &[
            "--wukongim-advertise-tcp",
            "im.example.com:5100",
            "--wukongim-advertise-wss",
            "wss://[::1]:443",
        ],
        &[],
    )
    .unwrap();
    assert_eq!(
        advertised.wukongim_advertise_tcp.as_deref(),
        Some("im.example.com:5100")
    );
    let url = write(dir.path(), "url", "mysql://h/db");
    let error = message(load(&["--database-url-file", &url], &[]).unwrap_err());
    assert!(
        error.starts_with("--database-url-file: expected postgres://"),
        "{error}"
    );
}

#[test]
fn webhooks_are_off_until_given_a_url_and_then_take_their_settings() {
    let config = load(&[], &[]).unwrap();
    assert!(config.webhooks().is_none());
    assert!(config.before_send().is_none());
    let dir = tempfile::tempdir().unwrap();
    let secret = write(dir.path(), "secret", "whsec\n");
    let config = load(
        &[
            "--webhook-url",
            "https://backend.example/hook",
            "--webhook-secret-file",
            &secret,
            "--webhook-batch-size",
            "5000",
            "--before-send-url",
            "http://127.0.0.1:9/check",
            "--before-send-fail-open",
            "false",
        ],
        &[(
            "NATTER_WEBHOOK_EVENTS",
            "msg.offline,msg.notify,msg.offline",
        )],
    )
    .unwrap();
    let webhooks = config.webhooks().unwrap();
    assert_eq!(webhooks.url, "https://backend.example/hook");
    assert_eq!(webhooks.secret.as_deref(), Some("whsec"));
    assert_eq!(
        webhooks.events,
        [EventKind::MsgOffline, EventKind::MsgNotify]
    );
    assert_eq!(webhooks.batch_size, 1000, "capped");
    assert_eq!(webhooks.timeout, Duration::from_secs(5));
    assert_eq!(webhooks.dead_after, Duration::from_secs(86_400));
    let before_send = config.before_send().unwrap();
    assert_eq!(before_send.timeout, Duration::from_millis(500));
    assert!(!before_send.fail_open);
    assert_eq!(before_send.secret.as_deref(), Some("whsec"), "the same key");
    let all = load(&["--webhook-url", "http://h/x"], &[]).unwrap();
    assert_eq!(all.webhooks().unwrap().events, EventKind::ALL);
    assert!(all.before_send_fail_open, "fail-open unless said");
}

#[test]
fn webhook_settings_are_checked() {
    let error = message(load(&["--webhook-url", "ftp://h/x"], &[]).unwrap_err());
    assert_eq!(error, "--webhook-url: expected an http:// or https:// URL");
    let error = message(load(&[], &[("NATTER_BEFORE_SEND_URL", "h/x")]).unwrap_err());
    assert_eq!(
        error,
        "NATTER_BEFORE_SEND_URL: expected an http:// or https:// URL"
    );
    let error = message(load(&["--webhook-events", "msg.offline,msg.stream"], &[]).unwrap_err());
    assert!(
        error.starts_with("--webhook-events \"msg.stream\": not an event; use msg.offline, "),
        "{error}"
    );
}

#[test]
fn the_committed_reference_is_what_the_definitions_give() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/configuration.md");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = reference();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(committed, generated)| committed != generated)
            .unwrap_or(committed.lines().count().min(generated.lines().count()));
        panic!(
            "docs/configuration.md differs from the settings' definitions (from line {}): \
             regenerate it with `cargo run -p natter -- config-reference > docs/configuration.md`",
            line + 1
        );
    }
}
