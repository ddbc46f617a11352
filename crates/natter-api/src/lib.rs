//! Natter's HTTP surfaces: the client API (`/v1/...`), the server API (WuKongIM-style paths)
//! and the operational endpoints, behind one middleware stack.
//!
//! Handlers are thin: extract, authorise, call one [`natter_service::Natter`] method, and let
//! [`error::ApiError`] map any failure to its status and code.

mod client;
pub mod error;
mod extract;
mod layers;
mod rate;
mod server;
mod ws;

use std::any::Any;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, Method, StatusCode, Uri, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use natter_core::{Error, Uid};
use natter_service::Natter;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::error::ApiError;
pub use crate::rate::RateLimiter;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub natter: Arc<Natter>,
    pub limiter: Arc<RateLimiter<Uid>>,
    /// Dev mode: without a manager token, the server API is open to loopback callers.
    pub dev: bool,
    /// One permit per open WebSocket: the connection limit.
    pub connections: Arc<Semaphore>,
    /// A WebSocket with no frame from its client for this long is closed.
    pub ws_idle_timeout: Duration,
    /// Cancelled when the server stops, so WebSockets close instead of holding the drain.
    pub shutdown: CancellationToken,
    /// Requests per second per client IP (0: off).
    pub ip_limiter: Arc<RateLimiter<IpAddr>>,
    /// A request still unanswered after this gets 503.
    pub request_timeout: Duration,
    /// Open WebSockets one user may hold.
    pub max_connections_per_user: usize,
}

/// HTTP-level settings of the router.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub max_body_bytes: usize,
    /// A folder of static files (the web client) served at `/`.
    pub web_dir: Option<PathBuf>,
}

/// The OpenAPI document of both surfaces, served at `/openapi.json`.
const OPENAPI: &str = include_str!("../openapi.json");

pub fn router(state: AppState, config: &HttpConfig) -> Router {
    let routes = Router::new()
        .merge(client::routes())
        .merge(server::routes())
        .merge(ws::routes())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/v1/dev", get(dev_mode))
        .method_not_allowed_fallback(method_not_allowed);
    let routes = match &config.web_dir {
        Some(dir) => routes.fallback_service(ServeDir::new(dir).not_found_service(
            axum::handler::HandlerWithoutStateExt::into_service(not_found),
        )),
        None => routes.fallback(not_found),
    };
    routes
        .layer(middleware::from_fn_with_state(state.clone(), layers::guard))
        .with_state(state)
        .layer(middleware::from_fn(server::wukongim_error_fields))
        .layer(middleware::from_fn(layers::security_headers))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
            HeaderName::from_static("token"),
        ]))
}

/// Serves until `shutdown` resolves, then stops accepting, finishes in-flight requests, and
/// closes the service (flushing every accepted write).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    config: &HttpConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let natter = state.natter.clone();
    let stopping = state.shutdown.clone();
    let app = router(state, config).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            stopping.cancel();
        })
        .await;
    natter.close().await;
    served
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.natter.check_health().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(error) => ApiError(error).into_response(),
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.natter.metrics.render(),
    )
        .into_response()
}

/// Tells the web client whether it may offer one-click demo users (dev mode only).
async fn dev_mode(State(state): State<AppState>) -> Response {
    if state.dev {
        axum::Json(serde_json::json!({"dev": true})).into_response()
    } else {
        ApiError(Error::not_found("the server is not in dev mode")).into_response()
    }
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError(Error::not_found(format!(
        "no endpoint {method} {}",
        uri.path()
    )))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError(Error::new(
        natter_core::ErrorKind::MethodNotAllowed,
        format!("{method} is not allowed on {}", uri.path()),
    ))
}

/// A panic answers 500 `internal` and the server keeps serving.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic");
    ApiError(Error::internal(format!("handler panicked: {detail}"))).into_response()
}
