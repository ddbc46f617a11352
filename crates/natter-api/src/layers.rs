//! The middleware every request passes, in one place: per-IP rate limit, request timeout,
//! metrics, and security headers (the rest — body limit, panic catcher, tracing, header
//! redaction — are tower-http layers in [`crate::router`]).

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use natter_core::Error;

use crate::AppState;
use crate::error::ApiError;

/// Counts every answer and how long it took; refuses IPs over their rate; gives up on requests
/// that take longer than the configured timeout (a write already handed to the store still
/// completes: the store's writer never abandons a queued write).
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = match client_ip(&request).map(|ip| state.ip_limiter.check(&ip)) {
        Some(Err(limited)) => ApiError(limited).into_response(),
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
        .natter
        .metrics
        .request(response.status().as_u16(), started.elapsed());
    response
}

fn client_ip(request: &Request) -> Option<std::net::IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
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
