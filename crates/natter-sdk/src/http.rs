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
    percent_encoding::utf8_percent_encode(id, PATH_SEGMENT).to_string()
}

/// Everything but RFC 3986's unreserved characters is escaped: `@TIM#SYSTEM` becomes
/// `%40TIM%23SYSTEM`, never a fragment.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::path_segment;

    #[test]
    fn conversation_ids_become_one_path_segment() {
        assert_eq!(path_segment("@TIM#SYSTEM"), "%40TIM%23SYSTEM");
        assert_eq!(path_segment("GROUP@TGS#1a/b"), "GROUP%40TGS%231a%2Fb");
        assert_eq!(path_segment("C2Cbob-1_a.b~"), "C2Cbob-1_a.b~");
    }
}
