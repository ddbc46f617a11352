//! Natter's HTTP surfaces: the client API (`/v1/...`), the server API (WuKongIM-style paths)
//! and the operational endpoints, behind one middleware stack.
//!
//! Handlers are thin: extract, authorise, call one [`natter_service::Natter`] method, and let
//! [`error::ApiError`] map any failure to its status and code.

mod client;
mod connz;
mod counters;
pub mod error;
mod extensions;
mod extract;
mod files;
mod follows;
mod friends;
mod json;
mod language;
mod layers;
mod metrics;
mod openapi;
mod pins;
mod rate;
mod reactions;
mod receipts;
mod receive_option;
mod route;
mod search;
mod sender_lists;
mod server;
mod status;
mod system_accounts;
mod topics;
mod varz;
mod web;
mod ws;

use std::any::Any;
use std::future::{Future, IntoFuture};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::serve::{ListenerExt, TapIo};
use axum::{Json, Router};
use natter_core::wire::ErrorBody;
use natter_core::{Error, Uid};
use natter_service::Natter;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
pub use crate::metrics::HttpMetrics;
pub use crate::rate::RateLimiter;
pub use crate::web::WebClient;

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
    /// What the transports count.
    pub http_metrics: Arc<HttpMetrics>,
    /// The WuKongIM gateway: the addresses `GET /route` hands out, and its metrics.
    pub wukongim: Arc<dyn natter_service::WuKongImGateway>,
    /// The files behind media messages.
    pub uploads: Arc<natter_service::Uploads>,
    /// When the server started (`GET /varz`'s uptime).
    pub started: std::time::Instant,
}

/// HTTP-level settings of the router.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub max_body_bytes: usize,
    /// Where the web client served at `/` comes from.
    pub web_client: WebClient,
    /// Origins whose web apps may call the API from the browser (CORS); none: same origin only.
    pub cors_origins: Vec<HeaderValue>,
}

/// Every route, each with its entry in the OpenAPI document.
fn documented_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
        .merge(client::routes())
        .merge(files::routes())
        .merge(friends::routes())
        .merge(reactions::routes())
        .merge(receipts::routes())
        .merge(pins::routes())
        .merge(topics::routes())
        .merge(counters::routes())
        .merge(follows::routes())
        .merge(receive_option::routes())
        .merge(extensions::routes())
        .merge(status::routes())
        .merge(search::routes())
        .merge(language::routes())
        .merge(server::routes())
        .merge(sender_lists::routes())
        .merge(system_accounts::routes())
        .merge(ws::routes())
        .merge(route::routes())
        .merge(varz::routes())
        .merge(connz::routes())
        .routes(routes!(healthz))
        .routes(routes!(health))
        .routes(routes!(metrics))
        .routes(routes!(openapi_document))
        .routes(routes!(dev_mode))
}

/// The OpenAPI document of both HTTP surfaces, as `docs/openapi.json` holds it and
/// `/openapi.json` serves it.
pub fn openapi_json() -> String {
    let (_, mut document) = documented_routes().split_for_parts();
    openapi::finish(&mut document);
    let mut text = document.to_pretty_json().expect("the document serialises");
    text.push('\n');
    text
}

pub fn router(state: AppState, config: &HttpConfig) -> Router {
    let (routes, _) = documented_routes().split_for_parts();
    let routes = routes.method_not_allowed_fallback(method_not_allowed);
    let routes = web::serve(routes, &config.web_client).with_state(state.clone());
    // The middleware wraps the routed app once, from the outside. `Router::layer` would wrap
    // each route in every layer separately, as nested boxed services, and axum clones a
    // route's whole nest for every request: a tenth of the server's CPU per message sent.
    // The first layer listed sees a request first.
    let app = ServiceBuilder::new()
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
            HeaderName::from_static("token"),
        ]))
        .map_request(layers::drop_unreadable_request_id)
        .layer(SetRequestIdLayer::new(
            layers::REQUEST_ID,
            layers::NewRequestId,
        ))
        .layer(PropagateRequestIdLayer::new(layers::REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(layers::request_span))
        .map_response(IntoResponse::into_response)
        .layer(middleware::from_fn(layers::finish_error_bodies))
        .layer(CatchPanicLayer::custom(panic_response))
        .map_response(IntoResponse::into_response)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .option_layer((!config.cors_origins.is_empty()).then(|| layers::cors(&config.cors_origins)))
        .map_response(IntoResponse::into_response)
        .layer(middleware::from_fn(layers::security_headers))
        .layer(middleware::from_fn_with_state(state, layers::guard))
        .layer(middleware::from_fn(layers::run_to_completion))
        .layer(axum::Extension(OpenApiText(openapi_json().into())))
        .service(routes);
    Router::new().fallback_service(app)
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
    let stopped = state.shutdown.clone();
    let app = router(state, config).into_make_service_with_connect_info::<SocketAddr>();
    let serving = axum::serve(sending_at_once(listener), app).with_graceful_shutdown(async move {
        shutdown.await;
        stopping.cancel();
    });
    let served = tokio::select! {
        served = serving.into_future() => served,
        () = async {
            stopped.cancelled().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {
            tracing::warn!(
                grace = ?SHUTDOWN_GRACE,
                "stopping with requests still unfinished (a client sending one too slowly)"
            );
            Ok(())
        }
    };
    natter.close().await;
    served
}

/// How long a stopping server waits for the requests in flight to finish. A client that sent
/// part of a request and then nothing more would otherwise hold the server up for good; the
/// requests cut short get no answer, and every write already accepted is still flushed.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// `listener`, with `TCP_NODELAY` set on each connection it accepts. Without it the kernel
/// holds a small write back while an earlier one is unacknowledged (Nagle's algorithm), and the
/// client's delayed acknowledgement can keep it there for tens of milliseconds: a push written
/// just after another waited for it. axum leaves the option off; the WuKongIM gateway sets it
/// on its own connections too.
fn sending_at_once(listener: TcpListener) -> TapIo<TcpListener, fn(&mut TcpStream)> {
    listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY on a connection");
        }
    })
}

/// Health check
///
/// 200 `ok` when the server can serve (the database answers), 503 otherwise.
#[utoipa::path(get, path = "/healthz", tag = "operations", operation_id = "healthz",
    responses(
        (status = 200, description = "`ok`", body = String, content_type = "text/plain"),
        (status = 503, description = "`unavailable`: the database does not answer.", body = ErrorBody),
    ))]
async fn healthz(State(state): State<AppState>) -> Response {
    match state.natter.check_health().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(error) => ApiError(error).into_response(),
    }
}

/// Health check, WuKongIM's way
///
/// WuKongIM's `GET /health`, for the probes and scripts written to it: `{"status":"ok"}` when
/// the server can serve (as `/healthz`), else 500 `{"status":"error","message":…}`, as
/// WuKongIM's answers a cluster in trouble.
#[utoipa::path(get, path = "/health", tag = "operations", operation_id = "health",
    responses(
        (status = 200, description = "`{\"status\":\"ok\"}`", body = Object),
        (status = 500, description = "`{\"status\":\"error\",\"message\":…}`: the database does not answer, or the node cannot reach the others.", body = Object),
    ))]
async fn health(State(state): State<AppState>) -> Response {
    match state.natter.check_health().await {
        Ok(()) => Json(json!({"status": "ok"})).into_response(),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"status": "error", "message": error.message})),
        )
            .into_response(),
    }
}

/// Prometheus metrics
///
/// Counters and histograms in Prometheus' text format (see the API reference for the series).
/// No authentication.
#[utoipa::path(get, path = "/metrics", tag = "operations", operation_id = "metrics",
    responses((status = 200, description = "The metrics.", body = String, content_type = "text/plain")))]
async fn metrics(State(state): State<AppState>) -> Response {
    let mut text = state.natter.metrics.render();
    state.http_metrics.render_into(&mut text);
    state.natter.events.render_metrics(&mut text);
    state.natter.render_store_metrics(&mut text);
    state.wukongim.render_metrics(&mut text);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

/// Is the server in dev mode?
///
/// For the web client, to decide whether to offer one-click demo users: `{"dev": true}` with
/// `--dev`, 404 otherwise. No authentication.
#[utoipa::path(get, path = "/v1/dev", tag = "operations", operation_id = "devMode",
    responses(
        (status = 200, description = "The server runs with `--dev`.", body = Object, example = json!({"dev": true})),
        (status = 404, description = "`not_found`: the server is not in dev mode.", body = ErrorBody),
    ))]
async fn dev_mode(State(state): State<AppState>) -> Response {
    if state.dev {
        axum::Json(serde_json::json!({"dev": true})).into_response()
    } else {
        ApiError(Error::not_found("the server is not in dev mode")).into_response()
    }
}

/// The document, rendered once when the router is built.
#[derive(Clone)]
struct OpenApiText(Arc<str>);

/// This document
///
/// The OpenAPI document of both surfaces, generated from the code.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", operation_id = "openapi",
    responses((status = 200, description = "The document.", body = Object)))]
async fn openapi_document(axum::Extension(text): axum::Extension<OpenApiText>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        text.0.to_string(),
    )
        .into_response()
}

pub(crate) async fn not_found(method: Method, uri: Uri) -> ApiError {
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

#[cfg(test)]
mod tests {
    use axum::serve::Listener;
    use tokio::net::{TcpListener, TcpStream};

    #[tokio::test]
    async fn connections_are_accepted_sending_at_once() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let mut listener = super::sending_at_once(listener);
        let _client = TcpStream::connect(address).await.unwrap();
        let (accepted, _) = listener.accept().await;
        assert!(
            accepted.nodelay().unwrap(),
            "TCP_NODELAY on the server's end"
        );
    }
}
