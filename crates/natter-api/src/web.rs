//! The web client at `/`. Its built files (`web/dist`, committed, and checked fresh by the web
//! client's `npm run check-dist`) are embedded in the binary, so `natter serve` serves it with
//! no other step and a cargo build needs no Node. `--web-dir` serves a folder instead (while
//! working on the client), `--no-web` nothing.

use std::path::PathBuf;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use tower_http::services::ServeDir;

use crate::AppState;

/// Where the web client's files come from.
#[derive(Debug, Clone, Default)]
pub enum WebClient {
    /// The build embedded in this binary.
    #[default]
    Embedded,
    /// A folder of static files (a development build of the client).
    Dir(PathBuf),
    /// No web client: `/` is 404.
    Off,
}

#[derive(RustEmbed)]
#[folder = "../../web/dist"]
struct Built;

/// Adds the web client to `routes`, as the fallback of every path no API route takes.
pub(crate) fn serve(routes: Router<AppState>, client: &WebClient) -> Router<AppState> {
    match client {
        WebClient::Embedded => routes.fallback(embedded),
        WebClient::Dir(dir) => routes.fallback_service(ServeDir::new(dir).not_found_service(
            axum::handler::HandlerWithoutStateExt::into_service(crate::not_found),
        )),
        WebClient::Off => routes.fallback(crate::not_found),
    }
}

/// One embedded file (`/` is `index.html`), revalidated by its hash: a browser keeps it until
/// the binary changes. Anything else is the API's 404.
async fn embedded(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = match uri.path().trim_start_matches('/') {
        "" => "index.html",
        path => path,
    };
    let file = match method {
        Method::GET | Method::HEAD => Built::get(path),
        _ => None,
    };
    let Some(file) = file else {
        return crate::not_found(method, uri).await.into_response();
    };
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()));
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|seen| seen.as_bytes() == etag.as_bytes())
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let content_type = HeaderValue::from_str(file.metadata.mimetype())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::ETAG,
                HeaderValue::from_str(&etag).expect("hex is a header value"),
            ),
        ],
        file.data,
    )
        .into_response()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
