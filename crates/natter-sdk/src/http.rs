//! The HTTP plumbing both clients share: one base URL, one auth header, errors parsed from the
//! server's error body.

use std::sync::{Arc, Mutex};

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
    /// The `connectionID` of this client's live event stream, sent as `X-Natter-Connection`
    /// so the events its own calls cause skip that connection only.
    connection: Arc<Mutex<Option<String>>>,
}

impl Http {
    pub(crate) fn new(server_url: &str, auth: (&'static str, String)) -> Self {
        Self {
            client: reqwest::Client::new(),
            base: server_url.trim_end_matches('/').to_owned(),
            auth,
            connection: Arc::default(),
        }
    }

    pub(crate) fn set_connection(&self, connection_id: Option<String>) {
        *self.connection.lock().expect("connection lock") = connection_id;
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header(self.auth.0, &self.auth.1);
        match self.connection.lock().expect("connection lock").as_deref() {
            Some(id) => request.header("x-natter-connection", id),
            None => request,
        }
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
