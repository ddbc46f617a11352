//! The middleware every request passes, in one place. [`crate::router`] stacks them, outermost
//! first: header redaction, request IDs, tracing, the error-body finisher, the panic catcher,
//! the body limit, CORS, security headers, then [`guard`] (per-IP limit, timeout, metrics) and
//! [`run_to_completion`] around the handlers.

use std::net::SocketAddr;
use std::time::{Instant, SystemTime};

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use natter_core::Error;
use serde_json::{Value, json};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestId, RequestId};
use tracing::Instrument;

use crate::AppState;
use crate::error::ApiError;
use crate::files;

/// The header that carries a request's ID, in both directions.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives each request a UUIDv7 (time-ordered, so IDs sort like the log) unless the client or a
/// proxy in front already named it.
#[derive(Debug, Clone, Copy, Default)]
pub struct NewRequestId;

impl MakeRequestId for NewRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let millis = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |since| since.as_millis() as u64);
        // The random bits come from a per-thread generator: `Uuid::now_v7` asked the kernel
        // for them, one system call per request (strace, `BENCHMARKS.md`). A request ID only
        // names a request; nothing relies on it being unguessable.
        let random: [u8; 16] = fastrand::u128(..).to_le_bytes();
        let random: &[u8; 10] = random[..10].try_into().expect("10 of 16 bytes");
        let id = uuid::Builder::from_unix_timestamp_millis(millis, random).into_uuid();
        let mut text = uuid::Uuid::encode_buffer();
        HeaderValue::from_str(id.hyphenated().encode_lower(&mut text))
            .ok()
            .map(RequestId::new)
    }
}

/// Drops a request ID the client or a proxy sent that is not visible ASCII (`ab\xffcd`), so
/// that [`NewRequestId`] makes one. Kept, it was echoed in the header but missing from the
/// error body's `requestID` and from the log lines, which take the ID as text.
pub fn drop_unreadable_request_id<B>(
    mut request: axum::http::Request<B>,
) -> axum::http::Request<B> {
    if request
        .headers()
        .get(REQUEST_ID)
        .is_some_and(|id| id.to_str().is_err())
    {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

/// The tracing span of a request: every log line written while it runs carries its ID.
pub fn request_span(request: &axum::http::Request<Body>) -> tracing::Span {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
    )
}

/// Counts every answer and how long it took; refuses IPs over their rate; gives up on requests
/// that take longer than the configured timeout (a write still runs to completion, see
/// [`run_to_completion`]), except uploads, which may take long but not pause long.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = match client_ip(&request).map(|ip| state.ip_limiter.check(&ip)) {
        Some(Err(limited)) => ApiError(limited).into_response(),
        _ if files::is_upload(request.uri().path()) => next.run(request).await,
        _ => match tokio::time::timeout(state.request_timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => ApiError(Error::unavailable(
                format!(
                    "the request took longer than {} s; retry later",
                    state.request_timeout.as_secs()
                ),
                "request timeout",
            ))
            .into_response(),
        },
    };
    state
        .http_metrics
        .request(response.status().as_u16(), started.elapsed());
    response
}

/// Runs a mutating request to its end even when its client goes away or its timeout fires, so
/// that a write that commits always publishes its events (the other devices would otherwise
/// hear of it only on their next sync). The request runs as its own task and this awaits its
/// handle; dropping the handle leaves the task running. Reads are not worth finishing.
pub async fn run_to_completion(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let task = tokio::spawn(next.run(request).instrument(tracing::Span::current()));
    match task.await {
        Ok(response) => response,
        // Let the panic catcher outside answer it, as for a handler that runs inline.
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

fn client_ip(request: &Request) -> Option<std::net::IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
}

/// Finishes every JSON error body in one place: the request's ID goes in (`requestID`), and
/// outside the client API WuKongIM's `status` and `msg` too, so that clients written for
/// WuKongIM read our errors. Layered over the whole router, so fallbacks (unknown paths, wrong
/// methods) and caught panics get it as well.
pub async fn finish_error_bodies(request: Request, next: Next) -> Response {
    let client_api = request.uri().path().starts_with("/v1/");
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if let Some(id) = request_id {
        fields.insert("requestID".into(), json!(id));
    }
    if !client_api {
        let message = fields.get("message").cloned().unwrap_or_default();
        // A body that says its status its own way keeps it (WuKongIM's `/health`: "error").
        fields
            .entry("status")
            .or_insert_with(|| json!(status.as_u16()));
        fields.insert("msg".into(), message);
    }
    let body = serde_json::to_vec(&fields).expect("a JSON object serialises");
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// Lets web apps served from these origins call the API (both surfaces) from the browser.
pub fn cors(origins: &[HeaderValue]) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins.iter().cloned()))
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("token"),
            HeaderName::from_static("x-natter-connection"),
            REQUEST_ID,
        ])
        .expose_headers([REQUEST_ID, header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600))
}

/// Headers that keep browsers from sniffing, framing or caching API answers.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_distinct_time_ordered_uuids() {
        let request = axum::http::Request::new(());
        let ids: Vec<uuid::Uuid> = (0..1000)
            .map(|_| {
                let id = NewRequestId.make_request_id(&request).expect("an ID");
                let text = id.header_value().to_str().unwrap();
                assert_eq!(text, text.to_ascii_lowercase(), "written in lower case");
                uuid::Uuid::parse_str(text).unwrap()
            })
            .collect();
        for id in &ids {
            assert_eq!(id.get_version(), Some(uuid::Version::SortRand), "{id}");
        }
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        // Time-ordered to the millisecond: the first ID was made no later than the last.
        let millis = |id: &uuid::Uuid| id.get_timestamp().unwrap().to_unix();
        assert!(millis(&ids[0]) <= millis(&ids[999]));
    }
}
