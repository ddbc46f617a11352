//! The `natter` server: configuration and start-up. `main.rs` is only the command line.

pub mod config;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use natter_api::{AppState, HttpConfig, RateLimiter, WebClient};
use natter_service::{Natter, Uploads};
use natter_store::Store;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

pub use config::{Config, Database, ServeArgs};

/// Binds the WuKongIM gateway's listeners (those configured) and starts serving on them; the
/// gateway also answers `GET /route` with their addresses. Each bound address is printed, as
/// the HTTP one is, for those listening on port 0.
async fn start_wukongim(
    config: &Config,
    natter: &Arc<Natter>,
    limiter: &Arc<RateLimiter<natter_core::Uid>>,
    connections: &Arc<Semaphore>,
) -> anyhow::Result<Arc<natter_gateway::Gateway>> {
    async fn bind(address: Option<SocketAddr>, what: &str) -> anyhow::Result<Option<TcpListener>> {
        let Some(address) = address else {
            return Ok(None);
        };
        let listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address} for WuKongIM's {what}"))?;
        Ok(Some(listener))
    }
    let tcp = bind(config.wukongim_tcp_listen, "TCP").await?;
    let ws = bind(config.wukongim_ws_listen, "WebSocket").await?;
    let bound = |listener: &Option<TcpListener>| -> anyhow::Result<Option<SocketAddr>> {
        listener
            .as_ref()
            .map(|listener| listener.local_addr().context("a listener has no address"))
            .transpose()
    };
    let (tcp_address, ws_address) = (bound(&tcp)?, bound(&ws)?);
    for (address, advertised, flag) in [
        (
            tcp_address,
            &config.wukongim_advertise_tcp,
            "--wukongim-advertise-tcp",
        ),
        (
            ws_address,
            &config.wukongim_advertise_ws,
            "--wukongim-advertise-ws",
        ),
    ] {
        if let Some(address) = address
            && address.ip().is_unspecified()
            && advertised.is_none()
        {
            tracing::warn!(
                "WuKongIM listens on {address}, which clients cannot connect to as such: \
                 set {flag} to the address GET /route should give them"
            );
        }
    }
    let routes = natter_service::WuKongImRoutes {
        tcp_addr: config
            .wukongim_advertise_tcp
            .clone()
            .or_else(|| tcp_address.map(|address| address.to_string()))
            .unwrap_or_default(),
        ws_addr: config
            .wukongim_advertise_ws
            .clone()
            .or_else(|| ws_address.map(|address| format!("ws://{address}")))
            .unwrap_or_default(),
        wss_addr: config.wukongim_advertise_wss.clone().unwrap_or_default(),
    };
    let settings = natter_gateway::Settings {
        idle_timeout: config.ws_idle_timeout(),
        max_connections_per_user: config.max_connections_per_user,
        ..natter_gateway::Settings::default()
    };
    let limiter = limiter.clone();
    let gateway = Arc::new(
        natter_gateway::Gateway::new(natter.clone(), settings, connections.clone())
            .with_routes(routes)
            .with_rate_check(Arc::new(move |uid| limiter.check(uid))),
    );
    if let (Some(listener), Some(address)) = (tcp, tcp_address) {
        println!("natter wukongim tcp listening on {address}");
        tracing::info!("WuKongIM's protocol over TCP on {address}");
        gateway.serve_tcp(listener);
    }
    if let (Some(listener), Some(address)) = (ws, ws_address) {
        println!("natter wukongim ws listening on ws://{address}");
        tracing::info!("WuKongIM's protocol over WebSocket on ws://{address}");
        gateway.serve_ws(listener);
    }
    Ok(gateway)
}

async fn open_store(config: &Config) -> anyhow::Result<Store> {
    Ok(match config.database() {
        Database::Sqlite => Store::open_sqlite(&config.data_dir).with_context(|| {
            format!("cannot open the database in {}", config.data_dir.display())
        })?,
        Database::Postgres { url, limits } => Store::open_postgres(&url, limits)
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
    let uploads = config.uploads();
    let uploads = Uploads::open(uploads.clone())
        .with_context(|| format!("cannot open the files folder {}", uploads.dir.display()))?;
    let options = natter_service::Options {
        manager_token: config.manager_token.clone(),
        sync_conversation_deletion: config.sync_conversation_deletion,
        friend_status_notification: config.friend_status_notification,
        recall_window: std::time::Duration::from_secs(config.recall_window_secs),
        webhooks: config.webhooks(),
        before_send: config.before_send(),
        translation: config.translation(),
        speech_to_text: config.speech_to_text(),
        exclusive_database: config.database() == config::Database::Sqlite,
        files: Some(uploads.files()),
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
    // Printed once the database is open: `natter-launch` (for the tests, the bench and the
    // chaos harness) and `scripts/lib.sh` wait for this line to find the port when listening on
    // port 0.
    println!("natter listening on http://{address}");
    tracing::info!(data_dir = %config.data_dir.display(), "natter listening on http://{address}");
    let natter = Arc::new(natter);
    let cluster = match &config.nats_url {
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
    let limiter = Arc::new(RateLimiter::new(config.rate_limit));
    let connections = Arc::new(Semaphore::new(config.max_connections));
    let wukongim = start_wukongim(&config, &natter, &limiter, &connections).await?;
    let webhooks = tokio::spawn(natter.clone().run_webhooks(stop_jobs.clone()));
    let presence = tokio::spawn(natter.clone().run_presence(stop_jobs.clone()));
    let state = AppState {
        natter,
        limiter,
        dev: config.dev,
        connections,
        ws_idle_timeout: config.ws_idle_timeout(),
        shutdown: CancellationToken::new(),
        ip_limiter: Arc::new(RateLimiter::new(config.ip_rate_limit)),
        request_timeout: config.request_timeout(),
        max_connections_per_user: config.max_connections_per_user,
        http_metrics: Arc::default(),
        wukongim: wukongim.clone(),
        uploads: Arc::new(uploads),
        started: std::time::Instant::now(),
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
        // Before the service closes: a SEND being stored completes first.
        wukongim.shutdown().await;
    })
    .await;
    let _ = purge.await;
    let _ = webhooks.await;
    let _ = presence.await;
    // Every request has finished and queued its events: say goodbye after them, so the other
    // nodes know nothing was lost with this one.
    if let Some(cluster) = cluster {
        cluster.leave().await;
    }
    served.context("the HTTP server failed")
}
