//! The HTTP plumbing both clients share: one base URL, one auth header, errors parsed from the
//! server's error body.

use natter_core::wire::ErrorBody;
use reqwest::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, Result};

#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    base: String,
    /// `(header name, value)` sent with every request.
    auth: (&'static str, String),
}

impl Http {
    pub(crate) fn new(server_url: &str, auth: (&'static str, String)) -> Self {
        Self {
            client: reqwest::Client::new(),
            base: server_url.trim_end_matches('/').to_owned(),
            auth,
        }
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header(self.auth.0, &self.auth.1)
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T> {
        parse(self.request(Method::GET, path).query(query).send().await?).await
    }

    pub(crate) async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T> {
        parse(self.request(Method::POST, path).json(body).send().await?).await
    }

    pub(crate) async fn put<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T> {
        parse(self.request(Method::PUT, path).json(body).send().await?).await
    }
}

async fn parse<T: DeserializeOwned>(response: Response) -> Result<T> {
    let status = response.status();
    let bytes = response.bytes().await?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|error| {
            Error::Protocol(format!("{error}: {}", String::from_utf8_lossy(&bytes)))
        });
    }
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(body) => Err(Error::Api {
            status: status.as_u16(),
            code: body.code,
            error: body.error,
            message: body.message,
        }),
        Err(_) => Err(Error::Protocol(format!(
            "HTTP {status} without an error body: {}",
            String::from_utf8_lossy(&bytes)
        ))),
    }
}

/// A conversation ID as a path segment (`@TIM#SYSTEM` → `%40TIM%23SYSTEM`).
pub(crate) fn path_segment(id: &str) -> String {
    let mut encoded = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}
