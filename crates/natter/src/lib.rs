//! The `natter` server: configuration and start-up. `main.rs` is only the command line.

pub mod config;

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use natter_api::{AppState, HttpConfig, RateLimiter, WebClient};
use natter_service::Natter;
use natter_store::Store;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

pub use config::{Config, Database, ServeArgs};

async fn open_store(config: &Config) -> anyhow::Result<Store> {
    Ok(match config.database() {
        Database::Sqlite => Store::open_sqlite(&config.data_dir).with_context(|| {
            format!("cannot open the database in {}", config.data_dir.display())
        })?,
        Database::Postgres { url, connections } => Store::open_postgres(&url, connections)
            .await
            .context("cannot open the PostgreSQL database")?,
    })
}

/// Opens the database, starts the service and serves on `listener` until `shutdown`; then
/// drains requests and flushes every accepted write. Tests call this with a listener on port 0.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    let options = natter_service::Options {
        manager_token: config.manager_token.clone(),
        sync_conversation_deletion: config.sync_conversation_deletion,
        recall_window: std::time::Duration::from_secs(config.recall_window_secs),
        webhooks: config.webhooks(),
        before_send: config.before_send(),
    };
    let natter = Natter::start(store, options)
        .await
        .map_err(|error| anyhow::anyhow!("cannot start: {error}"))?;
    if config.webhook_url.is_some() && config.webhook_secret.is_none() {
        tracing::warn!("webhooks without --webhook-secret: requests are not signed");
    }
    if natter.has_manager_token() {
        tracing::info!("server API open to the manager token");
    } else if config.dev {
        tracing::warn!("dev mode without a manager token: the server API is open to loopback");
    } else {
        tracing::warn!("no manager token: the server API refuses every call (set --manager-token)");
    }
    let address = listener
        .local_addr()
        .context("the listener has no address")?;
    // Printed once the database is open: tests and scripts wait for this line to find the
    // port when listening on port 0.
    println!("natter listening on http://{address}");
    tracing::info!(data_dir = %config.data_dir.display(), "natter listening on http://{address}");
    let natter = Arc::new(natter);
    let _cluster = match &config.nats_url {
        Some(url) => Some(
            natter_cluster::join(url, &config.cluster_name, natter.clone())
                .await
                .context("cannot join the cluster")?,
        ),
        None => None,
    };
    let stop_jobs = CancellationToken::new();
    let purge = tokio::spawn(natter.clone().run_purge(
        config.purge_interval(),
        config.retention(),
        stop_jobs.clone(),
    ));
    let webhooks = tokio::spawn(natter.clone().run_webhooks(stop_jobs.clone()));
    let state = AppState {
        natter,
        limiter: Arc::new(RateLimiter::new(config.rate_limit)),
        dev: config.dev,
        connections: Arc::new(Semaphore::new(config.max_connections)),
        ws_idle_timeout: config.ws_idle_timeout(),
        shutdown: CancellationToken::new(),
        ip_limiter: Arc::new(RateLimiter::new(config.ip_rate_limit)),
        request_timeout: config.request_timeout(),
        max_connections_per_user: config.max_connections_per_user,
        http_metrics: Arc::default(),
    };
    let http = HttpConfig {
        max_body_bytes: config.max_body_bytes,
        web_client: match (&config.web_dir, config.no_web) {
            (_, true) => WebClient::Off,
            (Some(dir), false) => WebClient::Dir(dir.clone()),
            (None, false) => WebClient::Embedded,
        },
        cors_origins: config
            .cors_origins
            .iter()
            .map(|origin| origin.parse())
            .collect::<Result<_, _>>()
            .context("--cors-origins")?,
    };
    let served = natter_api::serve(listener, state, &http, async move {
        shutdown.await;
        stop_jobs.cancel();
    })
    .await;
    let _ = purge.await;
    let _ = webhooks.await;
    served.context("the HTTP server failed")
}
