//! JSON answers. axum's `Json` serialises through a `BytesMut` writer, one small write at a
//! time; into a `Vec` the list workload's answers take 37 % fewer instructions (BENCHMARKS.md,
//! round two, sixth pass), and the `Vec` becomes the body without a copy. The encoder is the
//! wire's own ([`wire::encode`]).
//! Error bodies keep axum's `Json` (`crate::error`): they are small, and an error body that
//! failed to serialise here would have no error left to answer with.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use natter_core::{Error, wire};
use serde::Serialize;

use crate::error::ApiError;

/// A JSON answer with `Content-Type: application/json`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        match wire::encode(&self.0) {
            Ok(body) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Err(error) => ApiError::from(Error::internal(format!(
                "cannot encode the answer: {error}"
            )))
            .into_response(),
        }
    }
}
