//! Request extractors: JSON bodies and query strings whose errors name the field, and the
//! callers of each surface.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::path::ErrorKind as PathErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use natter_core::Device;
use natter_core::Error;
use natter_service::Principal;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::ApiError;

/// A JSON body. Unlike axum's `Json` it does not insist on a `Content-Type` (curl users forget
/// it), treats an empty body as `{}`, and says which field is wrong
/// ([`natter_core::wire::decode_request`]).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Error::payload_too_large("the request body is larger than the server accepts")
                } else {
                    Error::invalid_argument(format!(
                        "cannot read the request body: {}",
                        rejection.body_text()
                    ))
                }
            })?;
        Ok(Self(natter_core::wire::decode_request(&bytes)?))
    }
}

/// A query string whose errors name the parameter.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(decode_query(parts.uri.query().unwrap_or_default())?))
    }
}

/// Decodes a query string (without the `?`). Every failure is `invalid_argument` naming the
/// parameter: by its path when one parameter is wrong, and in the text itself when the query as
/// a whole is (a parameter missing or given twice, where the path is only the root, `.`).
pub(crate) fn decode_query<T: DeserializeOwned>(query: &str) -> Result<T, Error> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.inner();
        Error::invalid_argument(if path == "." {
            format!("query string: {inner}")
        } else {
            format!("query parameter {path}: {inner}")
        })
    })
}

/// A path parameter. axum's `Path` answers one that is not UTF-8 once percent-decoded
/// (`/v1/conversations/C2C%FF`) with a plain-text 400 that has no code; this answers
/// `invalid_argument` naming the parameter, as every other bad input is answered.
#[derive(Debug)]
pub struct PathParam<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParam<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(path_error(&rejection).into()),
        }
    }
}

fn path_error(rejection: &PathRejection) -> Error {
    if let PathRejection::FailedToDeserializePathParams(failed) = rejection
        && let PathErrorKind::InvalidUtf8InPathParam { key } = failed.kind()
    {
        return Error::invalid_argument(format!(
            "{key}: not UTF-8 once percent-decoded; percent-encode the UTF-8 bytes of the ID"
        ));
    }
    if rejection.status().is_server_error() {
        // A route whose handler asks for a parameter its path does not have: a bug.
        return Error::internal(rejection.body_text());
    }
    Error::invalid_argument(format!("the path: {}", rejection.body_text()))
}

/// The token of a request: `Authorization: Bearer <token>`, or WuKongIM's `token` header.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        });
    let header = || headers.get("token").and_then(|value| value.to_str().ok());
    bearer.or_else(header).map(str::to_owned)
}

fn token_of(parts: &Parts) -> Option<String> {
    bearer_token(&parts.headers)
}

/// The device behind a client API request.
#[derive(Debug)]
pub struct ClientUser(pub Device);

impl FromRequestParts<AppState> for ClientUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = token_of(parts).ok_or_else(|| {
            Error::unauthenticated("missing token: send Authorization: Bearer <user token>")
        })?;
        let device = state.natter.authenticate_device(&token).await?;
        state.limiter.check(&device.uid)?;
        Ok(Self(device))
    }
}

/// The WebSocket connection a client API call says it comes from (`X-Natter-Connection`, the
/// `connectionID` of its pong), so the events it causes can skip just that connection.
#[derive(Debug)]
pub struct ConnectionId(pub Option<u64>);

impl<S: Send + Sync> FromRequestParts<S> for ConnectionId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get("x-natter-connection") else {
            return Ok(Self(None));
        };
        value
            .to_str()
            .ok()
            .and_then(|text| text.parse().ok())
            .map(|id| Self(Some(id)))
            .ok_or_else(|| {
                ApiError(Error::invalid_argument(
                    "X-Natter-Connection: not a connectionID this server gave out",
                ))
            })
    }
}

/// The header in the OpenAPI document of each call that takes it.
impl utoipa::IntoParams for ConnectionId {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{ObjectBuilder, Required, Type};
        vec![
            ParameterBuilder::new()
                .name("X-Natter-Connection")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "The `connectionID` of this client's WebSocket pong: the event this call \
                     causes then skips only that connection. Without it, every connection of \
                     the calling device type is skipped.",
                ))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build(),
        ]
    }
}

/// The caller of a server API request: the manager or a user.
#[derive(Debug)]
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = token_of(parts) else {
            if state.dev && !state.natter.has_manager_token() && from_loopback(parts) {
                return Ok(Self(Principal::Manager));
            }
            // Without a manager token configured, asking for one would send the caller
            // looking for something that does not exist.
            let message = if state.natter.has_manager_token() {
                "missing token: send the manager token in the `token` header or as \
                 Authorization: Bearer"
            } else {
                "missing token: this server was started without a manager token \
                 (--manager-token), so the app backend's calls are refused; a user's own calls \
                 take their token as Authorization: Bearer"
            };
            return Err(Error::unauthenticated(message).into());
        };
        let principal = state.natter.authenticate(&token).await?;
        if let Some(uid) = principal.limited_uid() {
            state.limiter.check(uid)?;
        }
        Ok(Self(principal))
    }
}

fn from_loopback(parts: &Parts) -> bool {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(address)| address.ip().is_loopback())
}

/// A server API call only the manager may make. Extracted before the body, so a user token is
/// refused (403) whatever the body says.
#[derive(Debug)]
pub struct ManagerOnly;

impl FromRequestParts<AppState> for ManagerOnly {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Caller(principal) = Caller::from_request_parts(parts, state).await?;
        principal.require_manager()?;
        Ok(Self)
    }
}
