//! The OpenAPI document, generated from the code: each handler's `#[utoipa::path]` and the wire
//! types' `ToSchema`, collected by the routers, then finished here with what every operation of
//! a surface shares (security, the error answers). `docs/openapi.json` is this document; a test
//! fails when it is stale (`natter openapi > docs/openapi.json` regenerates it).

use natter_core::ErrorKind;
use natter_core::wire::{
    BeforeSendAnswer, BeforeSendRequest, ClientEvent, DeletionEvent, ErrorBody, GroupTipPayload,
    OfflineMessage, ServerEvent, WebhookMessage,
};
use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    Content, OpenApi as Document, Ref, RefOr, Response, ResponseBuilder, SecurityRequirement,
};

use crate::error::status_and_code;

/// The document's fixed parts; the routers add every path.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Natter",
        description = "A self-hostable instant-messaging server. The client API (`/v1/...`) \
            serves devices with the Tencent Cloud Chat SDK's names; the server API serves app \
            backends with WuKongIM's paths and field names. Prose, rules and curl examples: \
            `docs/api-reference.md`."
    ),
    tags(
        (name = "client", description = "The client API: one device of one user, with a user token."),
        (name = "server", description = "The server API: the app backend, with the manager token \
            (the conversation endpoints also take a user token acting for itself)."),
        (name = "operations", description = "Health, metrics and this document."),
        (name = "wukongim", description = "Where WuKongIM's client SDKs connect. The protocol itself \
            is WuKongIM's binary one, over TCP and WebSocket: see the API reference's \"WuKongIM \
            client protocol\"."),
    ),
    // The bodies Natter posts to the app backend: its webhooks (`msg.notify` items,
    // `msg.offline`, `conversation.deleted` items) and the before-send callback; and the payload
    // of the messages only the server writes (group tips), which no endpoint names.
    components(schemas(ErrorBody, ServerEvent, ClientEvent, WebhookMessage, OfflineMessage,
        DeletionEvent, BeforeSendRequest, BeforeSendAnswer, GroupTipPayload))
)]
struct Base;

pub(crate) fn base() -> Document {
    Base::openapi()
}

/// Which surface a path belongs to decides its security and the shape of its errors.
fn is_client_api(path: &str) -> bool {
    path.starts_with("/v1/")
}

/// Adds the security schemes, and to every operation its surface's security and every error
/// answer it does not describe itself (any call can meet a bad request, a missing token, a
/// rate limit or a server that cannot serve right now).
pub(crate) fn finish(document: &mut Document) {
    let components = document.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearerAuth",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "`Authorization: Bearer <token>`: a user token on `/v1/...`; the manager \
                     token or a user token on the server API.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "tokenHeader",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "token",
            "WuKongIM's `token: <token>` header; accepted on both surfaces for either kind of \
             token.",
        ))),
    );
    for (path, item) in document.paths.paths.iter_mut() {
        let open = matches!(
            path.as_str(),
            "/healthz"
                | "/health"
                | "/metrics"
                | "/openapi.json"
                | "/v1/dev"
                | "/route"
                | "/route/batch"
                | "/files/{fileID}/{name}"
        );
        for operation in [&mut item.get, &mut item.post, &mut item.put]
            .into_iter()
            .flatten()
        {
            if !open && operation.security.is_none() {
                operation.security = Some(vec![
                    SecurityRequirement::new("bearerAuth", Vec::<String>::new()),
                    SecurityRequirement::new("tokenHeader", Vec::<String>::new()),
                ]);
            }
            add_error_answers(operation, is_client_api(path), open);
        }
    }
}

/// The kinds of error every authenticated operation may answer, whatever it does.
const COMMON_ERRORS: &[ErrorKind] = &[
    ErrorKind::InvalidArgument,
    ErrorKind::Unauthenticated,
    ErrorKind::PermissionDenied,
    ErrorKind::MethodNotAllowed,
    ErrorKind::PayloadTooLarge,
    ErrorKind::RateLimited,
    ErrorKind::Internal,
    ErrorKind::Unavailable,
];

fn add_error_answers(operation: &mut Operation, client_api: bool, open: bool) {
    let kinds: &[ErrorKind] = if open {
        &[ErrorKind::Internal, ErrorKind::Unavailable]
    } else {
        COMMON_ERRORS
    };
    for kind in kinds {
        let (status, code, name) = status_and_code(*kind);
        let status = status.as_u16().to_string();
        if operation.responses.responses.contains_key(&status) {
            continue;
        }
        let shape = if client_api {
            "`{code, error, message, requestID}`"
        } else {
            "`{code, error, message, requestID}` with WuKongIM's `status` and `msg`"
        };
        let answer: RefOr<Response> = ResponseBuilder::new()
            .description(format!("`{name}` ({code}): {shape}."))
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name("ErrorBody"))),
            )
            .build()
            .into();
        operation.responses.responses.insert(status, answer);
    }
}

#[cfg(test)]
mod tests {
    /// Operation IDs name the generated clients' functions: two alike would clash.
    #[test]
    fn every_operation_has_its_own_id() {
        let document: serde_json::Value =
            serde_json::from_str(&crate::openapi_json()).expect("JSON");
        let mut seen = std::collections::HashSet::new();
        for item in document["paths"].as_object().expect("paths").values() {
            for operation in item.as_object().expect("an item").values() {
                let id = operation["operationId"].as_str().expect("an operation ID");
                assert!(seen.insert(id.to_owned()), "{id} names two operations");
            }
        }
    }

    /// The committed `docs/openapi.json` is what the code generates, so the document, the
    /// TypeScript types generated from it and the server never drift apart.
    #[test]
    fn the_committed_document_is_what_the_code_generates() {
        let committed = include_str!("../../../docs/openapi.json");
        let generated = crate::openapi_json();
        assert!(
            committed == generated,
            "docs/openapi.json is stale: run `cargo run -p natter -- openapi > docs/openapi.json` \
             (then `npm run generate` in sdk/js)"
        );
    }
}
