//! Configuration. Every setting is one field of [`Config`]: its doc comment is the description
//! and its `#[arg]` attribute gives the flag and the default. From that one definition come
//! the `natter serve` flags and `--help`, the `NATTER_*` variable and the TOML key (both named
//! after the field), the names that unknown keys and variables are checked against, and
//! `docs/configuration.md` (`natter config-reference`).
//!
//! To add a setting, add a field with a doc comment and `#[arg(long, default_value_t = …)]`
//! (or an `Option` without a default, for a setting that may be unset). A boolean copies
//! `dev`'s attribute, so that the flag alone means true; a list is a `Vec` with
//! `value_delimiter = ','`, which its variable follows too. A secret also gets its name in
//! [`SECRETS`], which gives it a file form. Checks that span settings, or minimums, go in
//! [`Config::checked_naming`]. Then regenerate the reference (`cargo run -p natter --
//! config-reference > docs/configuration.md`); a unit test fails until it is.
//!
//! The layers, each later one winning, are put together in `config/layers.rs`: the defaults,
//! the TOML file named by `--config`, the `NATTER_*` variables, the flags on the command line.

mod layers;
mod reference;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use clap::{ArgAction, Args, Command, FromArgMatches};
use natter_core::webhook::EventKind;
use natter_store::postgres::PostgresLimits;
use serde::{Deserialize, Serialize};

pub use layers::{ServeArgs, read_variables, unknown_variables};
pub use reference::reference;

/// The settings that are secrets. Each also has a file form (`--manager-token-file`,
/// `NATTER_MANAGER_TOKEN_FILE`, `manager_token_file`) that names a file holding the value,
/// which keeps the secret out of the environment and the process list.
pub const SECRETS: &[&str] = &[
    "database_url",
    "nats_url",
    "manager_token",
    "webhook_secret",
    "translation_api_key",
    "speech_to_text_api_key",
];

/// The log filter's variable (tracing-subscriber's `EnvFilter` syntax), read by every command.
pub const LOG_VARIABLE: &str = "NATTER_LOG";
/// The log filter when [`LOG_VARIABLE`] is unset.
pub const LOG_DEFAULT: &str = "info";

/// The settings the server runs with. [`Config::load`] layers them; [`Config::default`] gives
/// the defaults, which are the `default_value` attributes below.
#[derive(Debug, Clone, PartialEq, Eq, Args, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:5001")]
    pub listen: SocketAddr,
    /// Where the embedded SQLite database lives.
    #[arg(long, default_value = "natter-data")]
    pub data_dir: PathBuf,
    /// Where uploaded files (the media of image, file, audio and video messages) live. Unset:
    /// `files` in --data-dir. The nodes of a cluster must share it (a network file system), or
    /// each serves only the files uploaded to it.
    #[arg(long)]
    pub files_dir: Option<PathBuf>,
    /// Largest uploaded file in bytes (Tencent's SDK sends images and audio up to 20 MiB, files
    /// and videos up to 100 MiB).
    #[arg(long, default_value_t = 100 << 20)]
    pub max_upload_bytes: u64,
    /// Free space, in bytes, that uploads leave on the disk of --files-dir: an upload that would
    /// take the disk below it is refused (503), so that files cannot fill the room the database
    /// and the logs need when they share the disk. 0 lets uploads fill it.
    #[arg(long, default_value_t = 256 << 20)]
    pub upload_min_free_bytes: u64,
    /// `postgres://user:password@host:port/database` to use PostgreSQL instead of the embedded
    /// SQLite (for several nodes sharing one database). TLS as libpq's `?sslmode=` and
    /// `&sslrootcert=` say (see "PostgreSQL over TLS" below); by default when the server offers it.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Connections this node keeps to PostgreSQL at most.
    #[arg(long, default_value_t = 16)]
    pub database_connections: usize,
    /// Seconds this node waits for one answer from PostgreSQL (a statement, a commit, a new
    /// connection) before it gives the request 503 and closes that connection: a database
    /// that stops answering without closing its connections (a frozen host, a lost network,
    /// a failover to another address) then holds the node's writes this long, not until the
    /// operating system gives up on the connections (at least 1).
    #[arg(long, default_value_t = 10)]
    pub database_timeout_secs: u64,
    /// `nats://host:port` to join other Natter nodes: events reach devices on every node. Needs
    /// a PostgreSQL database.
    #[arg(long)]
    pub nats_url: Option<String>,
    /// The cluster's name on NATS: nodes with the same name form one cluster.
    #[arg(long, default_value = "natter")]
    pub cluster_name: String,
    /// The app backend's key to the server API. Unset or empty: the server API refuses every
    /// call (except from loopback with --dev).
    #[arg(long)]
    pub manager_token: Option<String>,
    /// Tell a user's other devices about a conversation deletion. Unset keeps the app setting
    /// stored on the server (`PUT /app/settings`, off at first); given, it replaces it.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub sync_conversation_deletion: Option<bool>,
    /// Tell a user's friends when they go online or offline or change their custom status,
    /// without the friends subscribing (Tencent's console switch). Unset keeps the app setting
    /// stored on the server (`PUT /app/settings`, off at first); given, it replaces it.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub friend_status_notification: Option<bool>,
    /// Requests per second per user, bursts up to twice that; 0 turns it off.
    #[arg(long, default_value_t = 50)]
    pub rate_limit: u32,
    /// Largest request body in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body_bytes: usize,
    /// Most connections held at once, WebSockets and WuKongIM connections together; more are
    /// refused (a WebSocket upgrade with 503).
    #[arg(long, default_value_t = 100_000)]
    pub max_connections: usize,
    /// Seconds without a frame from a client before its WebSocket or WuKongIM connection is
    /// closed (at least 1).
    #[arg(long, default_value_t = 90)]
    pub ws_idle_timeout_secs: u64,
    /// Connections one user may hold at once, WebSockets and WuKongIM connections together (at
    /// least 1).
    #[arg(long, default_value_t = 32)]
    pub max_connections_per_user: usize,
    /// Requests per second per client IP, bursts up to twice that; 0 turns it off.
    #[arg(long, default_value_t = 0)]
    pub ip_rate_limit: u32,
    /// Seconds before an unanswered request gets 503 (at least 1).
    #[arg(long, default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Seconds after sending during which a sender may recall a message (the app backend may
    /// recall any message at any time).
    #[arg(long, default_value_t = 120)]
    pub recall_window_secs: u64,
    /// Seconds between runs of the purge of messages no one can see any more (at least 1).
    #[arg(long, default_value_t = 60)]
    pub purge_interval_secs: u64,
    /// Delete messages older than this many days, and the uploaded files no message linked to
    /// within them; 0 keeps both forever.
    #[arg(long, default_value_t = 0)]
    pub retention_days: u64,
    /// A folder of static files to serve at `/` instead of the web client built into the binary
    /// (while working on the client: `web/dist`).
    #[arg(long)]
    pub web_dir: Option<PathBuf>,
    /// Serve no web client at `/` (an API-only server).
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true", default_value_t = false)]
    pub no_web: bool,
    /// Origins (`https://app.example.com`) whose web apps may call the API from the browser
    /// (CORS), comma-separated; empty: only pages served by Natter itself.
    #[arg(long, value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Address to serve WuKongIM's binary client protocol on over TCP, for WuKongIM's own
    /// SDKs (iOS, Android, Flutter; WuKongIM's port is 5100). Unset: off.
    #[arg(long)]
    pub wukongim_tcp_listen: Option<SocketAddr>,
    /// Address to serve WuKongIM's binary client protocol on over WebSocket, for WuKongIM's
    /// web SDK (`wukongimjssdk`; WuKongIM's port is 5200). Unset: off.
    #[arg(long)]
    pub wukongim_ws_listen: Option<SocketAddr>,
    /// The TCP address (`host:port`) that `GET /route` tells WuKongIM clients to connect to,
    /// when it is not the listen address (behind a load balancer, or listening on 0.0.0.0).
    /// Unset: the TCP listen address as bound.
    #[arg(long)]
    pub wukongim_advertise_tcp: Option<String>,
    /// The WebSocket address (`ws://host:port`) that `GET /route` tells WuKongIM clients to
    /// connect to. Unset: the WebSocket listen address as bound.
    #[arg(long)]
    pub wukongim_advertise_ws: Option<String>,
    /// The secure WebSocket address (`wss://host:port`: a TLS proxy in front of the WebSocket
    /// listener) that `GET /route` gives WuKongIM clients. Unset: none.
    #[arg(long)]
    pub wukongim_advertise_wss: Option<String>,
    /// Dev mode: without a manager token, loopback callers may use the server API.
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true", default_value_t = false)]
    pub dev: bool,
    /// `http(s)://` address of the app backend's webhook receiver: events are posted to
    /// `<url>?event=<name>` (WuKongIM's form). Unset: no webhooks, and nothing is recorded for
    /// them. Every node of a cluster needs the same webhook settings.
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Key of the HMAC-SHA256 signature (`X-Natter-Signature`) of each webhook and before-send
    /// request. Unset: requests are not signed.
    #[arg(long)]
    pub webhook_secret: Option<String>,
    /// The webhook events to send, comma-separated (`msg.offline`, `msg.notify`,
    /// `user.onlinestatus`, `conversation.deleted`); empty: all of them.
    #[arg(long, value_delimiter = ',')]
    pub webhook_events: Vec<String>,
    /// Most events in one webhook request (1 to 1000).
    #[arg(long, default_value_t = 100)]
    pub webhook_batch_size: u32,
    /// `msg.offline` requests in flight at once (each carries one message, as WuKongIM's).
    #[arg(long, default_value_t = 32)]
    pub webhook_concurrency: usize,
    /// Milliseconds before an unanswered webhook request has failed (at least 1).
    #[arg(long, default_value_t = 5000)]
    pub webhook_timeout_ms: u64,
    /// Seconds an event may keep failing before it becomes a dead letter (at least 1), kept
    /// until replayed with `POST /webhook/deadletters/replay`.
    #[arg(long, default_value_t = 86_400)]
    pub webhook_dead_after_secs: u64,
    /// `http(s)://` address of the app backend's before-send callback: each message a device
    /// sends is posted there before it is stored, to be allowed, rejected or rewritten.
    #[arg(long)]
    pub before_send_url: Option<String>,
    /// Milliseconds the before-send callback has to answer (at least 1); a send waits that
    /// long at most.
    #[arg(long, default_value_t = 500)]
    pub before_send_timeout_ms: u64,
    /// When the before-send callback gives no valid answer in time: true stores the message
    /// unchecked (as Tencent Cloud Chat does), false refuses the send with 503.
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true", default_value_t = true)]
    pub before_send_fail_open: bool,
    /// `http(s)://` address of a LibreTranslate-compatible translation service's `/translate`
    /// endpoint, which the client SDK's `translateText` is passed on to. Unset: translating
    /// answers 501 `not_configured`.
    #[arg(long)]
    pub translation_url: Option<String>,
    /// Sent to the translation service as LibreTranslate's `api_key`, if it asks for one.
    #[arg(long)]
    pub translation_api_key: Option<String>,
    /// Milliseconds the translation service has to answer (at least 1).
    #[arg(long, default_value_t = 10_000)]
    pub translation_timeout_ms: u64,
    /// `http(s)://` address of an OpenAI-compatible speech-to-text endpoint
    /// (`…/v1/audio/transcriptions`: OpenAI's, or a self-hosted Whisper server that speaks its
    /// API), which the client SDK's `convertVoiceToText` is passed on to. Unset: speech to text
    /// answers 501 `not_configured`.
    #[arg(long)]
    pub speech_to_text_url: Option<String>,
    /// Sent to the speech-to-text service as `Authorization: Bearer`, if it asks for one.
    #[arg(long)]
    pub speech_to_text_api_key: Option<String>,
    /// The model the speech-to-text service is asked to use.
    #[arg(long, default_value = "whisper-1")]
    pub speech_to_text_model: String,
    /// Milliseconds the speech-to-text service has to answer (at least 1). The request's own
    /// limit (`request_timeout_secs`) still applies, so keep this below it.
    #[arg(long, default_value_t = 25_000)]
    pub speech_to_text_timeout_ms: u64,
}

/// How the server writes its log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// The embedded SQLite database in the data dir.
    Sqlite,
    Postgres {
        url: String,
        limits: PostgresLimits,
    },
}

impl Default for Config {
    /// The defaults are the `default_value` attributes: what parsing no flags at all gives.
    fn default() -> Self {
        let command = Config::augment_args(Command::new("defaults").no_binary_name(true));
        let matches = command
            .try_get_matches_from(std::iter::empty::<String>())
            .expect("no flags at all parse");
        Config::from_arg_matches(&matches).expect("every default is a valid value")
    }
}

impl Config {
    /// Checks what the types alone cannot, and raises the settings that have a minimum to it.
    /// `name` says how the operator wrote a setting (`--nats-url`, `NATTER_NATS_URL`, …), so
    /// an error points at the place to fix.
    pub fn checked_naming(mut self, name: impl Fn(&str) -> String) -> anyhow::Result<Self> {
        if let Some(url) = &self.database_url
            && !(url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            bail!(
                "{}: expected postgres://user:password@host:port/database \
                 (leave it unset for the embedded SQLite)",
                name("database_url")
            );
        }
        // The URL may carry credentials, so it is not repeated in the message.
        if let Some(url) = &self.nats_url
            && !url.starts_with("nats://")
        {
            bail!("{}: expected nats://host:port", name("nats_url"));
        }
        if self.nats_url.is_some() && self.database_url.is_none() {
            bail!(
                "{} needs a PostgreSQL database too ({}): the nodes of a cluster share one \
                 database (the embedded SQLite belongs to one node)",
                name("nats_url"),
                every_form("database_url"),
            );
        }
        if self.cluster_name.is_empty()
            || !self
                .cluster_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!(
                "{} {:?}: use letters, digits, '-' and '_' only",
                name("cluster_name"),
                self.cluster_name
            );
        }
        for origin in &self.cors_origins {
            let host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            if !host.is_some_and(|host| {
                !host.is_empty() && host.chars().all(|c| c.is_ascii_graphic() && c != '/')
            }) {
                bail!(
                    "{} {origin:?}: an origin is a scheme and a host, like https://app.example.com",
                    name("cors_origins")
                );
            }
        }
        for (key, url) in [
            ("webhook_url", &self.webhook_url),
            ("before_send_url", &self.before_send_url),
            ("translation_url", &self.translation_url),
            ("speech_to_text_url", &self.speech_to_text_url),
        ] {
            // The URL may carry credentials, so it is not repeated in the message.
            if let Some(url) = url
                && !(url.starts_with("http://") || url.starts_with("https://"))
            {
                bail!("{}: expected an http:// or https:// URL", name(key));
            }
        }
        for event in &self.webhook_events {
            if EventKind::from_name(event).is_none() {
                let names: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.name()).collect();
                bail!(
                    "{} {event:?}: not an event; use {}",
                    name("webhook_events"),
                    names.join(", ")
                );
            }
        }
        self.webhook_batch_size = self.webhook_batch_size.clamp(1, 1000);
        self.webhook_secret = self.webhook_secret.filter(|secret| !secret.is_empty());
        for (key, scheme, address) in [
            ("wukongim_advertise_tcp", "", &self.wukongim_advertise_tcp),
            (
                "wukongim_advertise_ws",
                "ws://",
                &self.wukongim_advertise_ws,
            ),
            (
                "wukongim_advertise_wss",
                "wss://",
                &self.wukongim_advertise_wss,
            ),
        ] {
            if let Some(address) = address
                && !is_advertised_address(address, scheme)
            {
                bail!("{} {address:?}: expected {scheme}host:port", name(key));
            }
        }
        self.manager_token = self.manager_token.filter(|token| !token.is_empty());
        for setting in [
            &mut self.database_connections,
            &mut self.max_connections_per_user,
            &mut self.webhook_concurrency,
        ] {
            *setting = (*setting).max(1);
        }
        for setting in [
            &mut self.ws_idle_timeout_secs,
            &mut self.request_timeout_secs,
            &mut self.database_timeout_secs,
            &mut self.purge_interval_secs,
            &mut self.webhook_timeout_ms,
            &mut self.webhook_dead_after_secs,
            &mut self.before_send_timeout_ms,
            &mut self.translation_timeout_ms,
            &mut self.speech_to_text_timeout_ms,
        ] {
            *setting = (*setting).max(1);
        }
        Ok(self)
    }

    /// [`Config::checked_naming`] for a config built in code: errors name the flags.
    pub fn checked(self) -> anyhow::Result<Self> {
        self.checked_naming(flag)
    }

    pub fn database(&self) -> Database {
        match &self.database_url {
            Some(url) => Database::Postgres {
                url: url.clone(),
                limits: PostgresLimits {
                    connections: self.database_connections,
                    answer_within: Duration::from_secs(self.database_timeout_secs),
                },
            },
            None => Database::Sqlite,
        }
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// Where uploads go and how large they may be. A paused upload is given up after the
    /// request timeout: the time a request may take is the time an upload may wait for bytes.
    pub fn uploads(&self) -> natter_service::UploadOptions {
        natter_service::UploadOptions {
            dir: self
                .files_dir
                .clone()
                .unwrap_or_else(|| self.data_dir.join("files")),
            max_bytes: self.max_upload_bytes,
            min_free_bytes: self.upload_min_free_bytes,
            idle_timeout: self.request_timeout(),
        }
    }

    pub fn ws_idle_timeout(&self) -> Duration {
        Duration::from_secs(self.ws_idle_timeout_secs)
    }

    pub fn purge_interval(&self) -> Duration {
        Duration::from_secs(self.purge_interval_secs)
    }

    /// Where and how webhooks are delivered; `None` without a webhook URL.
    pub fn webhooks(&self) -> Option<natter_service::WebhookOptions> {
        let url = self.webhook_url.clone()?;
        let events = if self.webhook_events.is_empty() {
            EventKind::ALL.to_vec()
        } else {
            let mut events: Vec<EventKind> = self
                .webhook_events
                .iter()
                .filter_map(|name| EventKind::from_name(name))
                .collect();
            events.sort();
            events.dedup();
            events
        };
        Some(natter_service::WebhookOptions {
            url,
            secret: self.webhook_secret.clone(),
            events,
            batch_size: self.webhook_batch_size,
            concurrency: self.webhook_concurrency,
            timeout: Duration::from_millis(self.webhook_timeout_ms),
            dead_after: Duration::from_secs(self.webhook_dead_after_secs),
        })
    }

    /// The before-send callback; `None` without its URL.
    pub fn before_send(&self) -> Option<natter_service::BeforeSendOptions> {
        Some(natter_service::BeforeSendOptions {
            url: self.before_send_url.clone()?,
            secret: self.webhook_secret.clone(),
            timeout: Duration::from_millis(self.before_send_timeout_ms),
            fail_open: self.before_send_fail_open,
        })
    }

    /// The translation service; `None` without its URL.
    pub fn translation(&self) -> Option<natter_service::TranslationOptions> {
        Some(natter_service::TranslationOptions {
            url: self.translation_url.clone()?,
            api_key: self.translation_api_key.clone(),
            timeout: Duration::from_millis(self.translation_timeout_ms),
        })
    }

    /// The speech-to-text service; `None` without its URL.
    pub fn speech_to_text(&self) -> Option<natter_service::SpeechToTextOptions> {
        Some(natter_service::SpeechToTextOptions {
            url: self.speech_to_text_url.clone()?,
            api_key: self.speech_to_text_api_key.clone(),
            model: self.speech_to_text_model.clone(),
            timeout: Duration::from_millis(self.speech_to_text_timeout_ms),
        })
    }

    /// `None`: keep messages forever.
    pub fn retention(&self) -> Option<Duration> {
        (self.retention_days > 0).then(|| Duration::from_secs(self.retention_days * 24 * 60 * 60))
    }
}

/// Whether `address` is `<scheme>host:port`, as WuKongIM's route answers carry addresses.
fn is_advertised_address(address: &str, scheme: &str) -> bool {
    let Some(rest) = address.strip_prefix(scheme) else {
        return false;
    };
    match rest.rsplit_once(':') {
        Some((host, port)) => {
            !host.is_empty()
                && !host.contains("://")
                && !host.chars().any(|c| c.is_whitespace() || c == '/')
                && port.parse::<u16>().is_ok()
        }
        None => false,
    }
}

/// A setting's `NATTER_*` variable: its TOML key in upper case.
pub(crate) fn variable(key: &str) -> String {
    format!("NATTER_{}", key.to_ascii_uppercase())
}

/// A setting's flag: its TOML key with dashes.
pub(crate) fn flag(key: &str) -> String {
    format!("--{}", key.replace('_', "-"))
}

/// Every way to give a setting, for messages that tell the operator what to add.
pub(crate) fn every_form(key: &str) -> String {
    format!(
        "{}, {} or {key} in the config file",
        flag(key),
        variable(key)
    )
}

/// The key of a secret's file form.
pub(crate) fn file_key(secret: &str) -> String {
    format!("{secret}_file")
}

#[cfg(test)]
mod tests;
