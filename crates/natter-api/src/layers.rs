//! The middleware every request passes, in one place: per-IP rate limit, request timeout,
//! metrics, and security headers (the rest — body limit, panic catcher, tracing, header
//! redaction — are tower-http layers in [`crate::router`]).

use std::future::Future;
use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use natter_core::Error;

use crate::AppState;
use crate::error::ApiError;

/// Counts every answer and how long it took; refuses IPs over their rate; gives up on requests
/// that take longer than the configured timeout. A request that changes something runs to its
/// end even when its client goes away or the timeout answers first: once the change is
/// committed, its events must still reach the user's devices (see [`to_completion`]).
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = match client_ip(&request).map(|ip| state.ip_limiter.check(&ip)) {
        Some(Err(limited)) => ApiError(limited).into_response(),
        _ => {
            let changes = !matches!(*request.method(), Method::GET | Method::HEAD);
            let handled = if changes {
                tokio::time::timeout(state.request_timeout, to_completion(next.run(request))).await
            } else {
                tokio::time::timeout(state.request_timeout, next.run(request)).await
            };
            handled.unwrap_or_else(|_| {
                ApiError(Error::unavailable(
                    format!(
                        "the request took longer than {} s; retry later",
                        state.request_timeout.as_secs()
                    ),
                    "request timeout",
                ))
                .into_response()
            })
        }
    };
    state
        .natter
        .metrics
        .request(response.status().as_u16(), started.elapsed());
    response
}

/// Runs a handler on a task of its own, so that dropping the request (the client closed its
/// connection, or the timeout answered) does not cancel it halfway: a message committed but
/// cancelled before its push would reach no device until something else made it resync. A
/// panic still answers 500, as the panic catcher would.
async fn to_completion(handler: impl Future<Output = Response> + Send + 'static) -> Response {
    match tokio::spawn(handler).await {
        Ok(response) => response,
        Err(error) => {
            let detail = error
                .try_into_panic()
                .ok()
                .and_then(|panic| {
                    panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
                })
                .unwrap_or_else(|| "a cancelled task".into());
            ApiError(Error::internal(format!("handler panicked: {detail}"))).into_response()
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn a_handler_whose_request_is_dropped_still_runs_to_its_end() {
        let finished = Arc::new(AtomicBool::new(false));
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let handler = {
            let finished = finished.clone();
            async move {
                let _ = started_tx.send(());
                tokio::time::sleep(Duration::from_millis(50)).await;
                finished.store(true, Ordering::SeqCst);
                "done".into_response()
            }
        };
        let request = tokio::spawn(to_completion(handler));
        started.await.unwrap();
        request.abort();
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            finished.load(Ordering::SeqCst),
            "the client went away, the change (and its events) did not"
        );
    }

    #[tokio::test]
    async fn a_panicking_handler_still_answers_500() {
        let response = to_completion(async { panic!("boom") }).await;
        assert_eq!(
            response.status(),
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
