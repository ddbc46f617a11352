//! Configuration: defaults, then an optional TOML file, then `NATTER_*` variables, then flags
//! (each later layer wins). clap reads flags and variables together; the file fills what they
//! leave unset.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use serde::Deserialize;

/// `natter serve` flags; every flag has its `NATTER_*` variable.
#[derive(Debug, Clone, Default, Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeArgs {
    /// A TOML file with any of these settings (snake_case keys).
    #[arg(long, env = "NATTER_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:5001].
    #[arg(long, env = "NATTER_LISTEN")]
    pub listen: Option<String>,
    /// Where the embedded SQLite database lives [default: ./natter-data].
    #[arg(long, env = "NATTER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// `postgres://user:password@host:port/database` to use PostgreSQL instead of the
    /// embedded SQLite (for several nodes sharing one database).
    #[arg(long, env = "NATTER_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Connections this node keeps to PostgreSQL at most [default: 16].
    #[arg(long, env = "NATTER_DATABASE_CONNECTIONS")]
    pub database_connections: Option<usize>,
    /// `nats://host:port` to join other Natter nodes: events reach devices on every node.
    #[arg(long, env = "NATTER_NATS_URL")]
    pub nats_url: Option<String>,
    /// The cluster's name on NATS: nodes with the same name form one cluster [default: natter].
    #[arg(long, env = "NATTER_CLUSTER_NAME")]
    pub cluster_name: Option<String>,
    /// The app backend's key to the server API.
    #[arg(long, env = "NATTER_MANAGER_TOKEN", hide_env_values = true)]
    pub manager_token: Option<String>,
    /// A file holding the manager token (keeps it out of the environment and process list).
    #[arg(long, env = "NATTER_MANAGER_TOKEN_FILE")]
    pub manager_token_file: Option<PathBuf>,
    /// Tell a user's other devices about a conversation deletion [default: false].
    #[arg(long, env = "NATTER_SYNC_CONVERSATION_DELETION", num_args = 0..=1, default_missing_value = "true")]
    pub sync_conversation_deletion: Option<bool>,
    /// Requests per second per user, bursts up to twice that; 0 turns it off [default: 50].
    #[arg(long, env = "NATTER_RATE_LIMIT")]
    pub rate_limit: Option<u32>,
    /// Largest request body in bytes [default: 1048576].
    #[arg(long, env = "NATTER_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Most WebSocket connections held at once; more are refused with 503 [default: 100000].
    #[arg(long, env = "NATTER_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Seconds without a frame from a client before its WebSocket is closed [default: 90].
    #[arg(long, env = "NATTER_WS_IDLE_TIMEOUT_SECS")]
    pub ws_idle_timeout_secs: Option<u64>,
    /// WebSocket connections one user may hold at once [default: 32].
    #[arg(long, env = "NATTER_MAX_CONNECTIONS_PER_USER")]
    pub max_connections_per_user: Option<usize>,
    /// Requests per second per client IP, bursts up to twice that; 0 turns it off [default: 0].
    #[arg(long, env = "NATTER_IP_RATE_LIMIT")]
    pub ip_rate_limit: Option<u32>,
    /// Seconds before an unanswered request gets 503 [default: 30].
    #[arg(long, env = "NATTER_REQUEST_TIMEOUT_SECS")]
    pub request_timeout_secs: Option<u64>,
    /// Log format: `text` or `json` [default: text].
    #[arg(long, env = "NATTER_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Seconds between runs of the purge of messages no one can see any more [default: 60].
    #[arg(long, env = "NATTER_PURGE_INTERVAL_SECS")]
    pub purge_interval_secs: Option<u64>,
    /// Delete messages older than this many days; 0 keeps them forever [default: 0].
    #[arg(long, env = "NATTER_RETENTION_DAYS")]
    pub retention_days: Option<u64>,
    /// A folder of static files served at `/`: the built web client (`web/dist`).
    #[arg(long, env = "NATTER_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
    /// Dev mode: without a manager token, loopback callers may use the server API.
    #[arg(long, env = "NATTER_DEV", num_args = 0..=1, default_missing_value = "true")]
    pub dev: Option<bool>,
}

/// How the server writes its log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The settings the server runs with, every default filled in.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database: Database,
    /// `None`: a single node, events stay in this process.
    pub nats_url: Option<String>,
    pub cluster_name: String,
    pub manager_token: Option<String>,
    /// `None`: keep the stored setting; `Some`: given explicitly, overrides it.
    pub sync_conversation_deletion: Option<bool>,
    pub rate_limit: u32,
    pub max_body_bytes: usize,
    pub max_connections: usize,
    pub ws_idle_timeout_secs: u64,
    pub max_connections_per_user: usize,
    pub ip_rate_limit: u32,
    pub request_timeout: Duration,
    pub log_format: LogFormat,
    pub purge_interval: Duration,
    /// `None`: keep messages forever.
    pub retention: Option<Duration>,
    pub web_dir: Option<PathBuf>,
    pub dev: bool,
}

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// The embedded SQLite database in the data dir.
    Sqlite,
    Postgres {
        url: String,
        connections: usize,
    },
}

impl Config {
    /// Resolves flags and variables over the optional file over the defaults.
    pub fn resolve(args: ServeArgs) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => ServeArgs::default(),
        };
        let database = match args.database_url.or(file.database_url) {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Database::Postgres {
                    url,
                    connections: args
                        .database_connections
                        .or(file.database_connections)
                        .unwrap_or(16)
                        .max(1),
                }
            }
            Some(_) => bail!(
                "--database-url: expected postgres://user:password@host:port/database \
                 (leave it unset for the embedded SQLite)"
            ),
            None => Database::Sqlite,
        };
        let nats_url = args.nats_url.or(file.nats_url);
        if let Some(url) = &nats_url
            && !url.starts_with("nats://")
        {
            bail!("--nats-url {url:?}: expected nats://host:port");
        }
        if nats_url.is_some() && database == Database::Sqlite {
            bail!(
                "--nats-url needs --database-url: the nodes of a cluster share one PostgreSQL \
                 database (the embedded SQLite belongs to one node)"
            );
        }
        let cluster_name = args
            .cluster_name
            .or(file.cluster_name)
            .unwrap_or_else(|| "natter".into());
        if cluster_name.is_empty()
            || !cluster_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!("--cluster-name {cluster_name:?}: use letters, digits, '-' and '_' only");
        }
        let listen = args
            .listen
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:5001".into());
        let listen = listen
            .parse()
            .with_context(|| format!("--listen {listen:?}: not an address like 127.0.0.1:5001"))?;
        let token_file = args.manager_token_file.or(file.manager_token_file);
        let manager_token = match (args.manager_token.or(file.manager_token), token_file) {
            (Some(token), _) => Some(token),
            (None, Some(path)) => Some(
                std::fs::read_to_string(&path)
                    .with_context(|| format!("--manager-token-file {}", path.display()))?
                    .trim()
                    .to_owned(),
            ),
            (None, None) => None,
        };
        Ok(Self {
            listen,
            data_dir: args
                .data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| "natter-data".into()),
            database,
            nats_url,
            cluster_name,
            manager_token: manager_token.filter(|token| !token.is_empty()),
            sync_conversation_deletion: args
                .sync_conversation_deletion
                .or(file.sync_conversation_deletion),
            rate_limit: args.rate_limit.or(file.rate_limit).unwrap_or(50),
            max_body_bytes: args
                .max_body_bytes
                .or(file.max_body_bytes)
                .unwrap_or(1 << 20),
            max_connections: args
                .max_connections
                .or(file.max_connections)
                .unwrap_or(100_000),
            ws_idle_timeout_secs: args
                .ws_idle_timeout_secs
                .or(file.ws_idle_timeout_secs)
                .unwrap_or(90)
                .max(1),
            max_connections_per_user: args
                .max_connections_per_user
                .or(file.max_connections_per_user)
                .unwrap_or(32)
                .max(1),
            ip_rate_limit: args.ip_rate_limit.or(file.ip_rate_limit).unwrap_or(0),
            request_timeout: Duration::from_secs(
                args.request_timeout_secs
                    .or(file.request_timeout_secs)
                    .unwrap_or(30)
                    .max(1),
            ),
            log_format: args.log_format.or(file.log_format).unwrap_or_default(),
            purge_interval: Duration::from_secs(
                args.purge_interval_secs
                    .or(file.purge_interval_secs)
                    .unwrap_or(60)
                    .max(1),
            ),
            retention: args
                .retention_days
                .or(file.retention_days)
                .filter(|days| *days > 0)
                .map(|days| Duration::from_secs(days * 24 * 60 * 60)),
            web_dir: args.web_dir.or(file.web_dir),
            dev: args.dev.or(file.dev).unwrap_or(false),
        })
    }
}

fn read_file(path: &Path) -> anyhow::Result<ServeArgs> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the config file {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("the config file {} is not valid", path.display()))
}

/// Warns about `NATTER_*` variables that no setting reads: usually a typo.
pub fn warn_unknown_variables() {
    const KNOWN: &[&str] = &[
        "NATTER_CONFIG",
        "NATTER_LISTEN",
        "NATTER_DATA_DIR",
        "NATTER_DATABASE_URL",
        "NATTER_DATABASE_CONNECTIONS",
        "NATTER_NATS_URL",
        "NATTER_CLUSTER_NAME",
        "NATTER_MANAGER_TOKEN",
        "NATTER_MANAGER_TOKEN_FILE",
        "NATTER_SYNC_CONVERSATION_DELETION",
        "NATTER_RATE_LIMIT",
        "NATTER_MAX_BODY_BYTES",
        "NATTER_MAX_CONNECTIONS",
        "NATTER_WS_IDLE_TIMEOUT_SECS",
        "NATTER_MAX_CONNECTIONS_PER_USER",
        "NATTER_IP_RATE_LIMIT",
        "NATTER_REQUEST_TIMEOUT_SECS",
        "NATTER_LOG_FORMAT",
        "NATTER_PURGE_INTERVAL_SECS",
        "NATTER_RETENTION_DAYS",
        "NATTER_WEB_DIR",
        "NATTER_DEV",
        "NATTER_LOG",
    ];
    for (name, _) in std::env::vars() {
        if name.starts_with("NATTER_") && !KNOWN.contains(&name.as_str()) {
            tracing::warn!("{name} is set but Natter has no such setting");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_defaults_fill_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("natter.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:7000\"\nrate_limit = 9\n").unwrap();
        let config = Config::resolve(ServeArgs {
            config: Some(path),
            rate_limit: Some(3),
            ..ServeArgs::default()
        })
        .unwrap();
        assert_eq!(config.listen.port(), 7000);
        assert_eq!(config.rate_limit, 3);
        assert_eq!(config.max_body_bytes, 1 << 20);
        assert_eq!(config.sync_conversation_deletion, None);
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("natter.toml");
        std::fs::write(&path, "lisen = \"127.0.0.1:7000\"\n").unwrap();
        let error = Config::resolve(ServeArgs {
            config: Some(path),
            ..ServeArgs::default()
        })
        .unwrap_err();
        assert!(format!("{error:#}").contains("lisen"), "{error:#}");
    }
}
