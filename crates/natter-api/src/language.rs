//! Translation and speech to text, passed on to the services the operator set up.

use axum::extract::State;
use natter_core::wire::{
    ErrorBody, SpeechToText, SpeechToTextRequest, TranslateTextRequest, TranslatedText,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ClientUser, JsonBody};
use crate::json::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(translate_text))
        .routes(routes!(speech_to_text))
}

/// Translate texts
///
/// Translates 1–100 texts into one language, as Tencent's `translateText`, by the
/// LibreTranslate-compatible service the operator set up (`--translation-url`). Languages are
/// named as that service names them (`en`, `zh`, …).
#[utoipa::path(post, path = "/v1/translate", tag = "client", operation_id = "translateText",
    request_body = TranslateTextRequest,
    responses(
        (status = 200, description = "The translations, in the order of the texts.", body = TranslatedText),
        (status = 400, description = "`invalid_argument` (40001): no or more than 100 texts, more than 10,000 characters, a malformed language code, or a request the translation service refused (an unknown language), with its reason.", body = ErrorBody),
        (status = 501, description = "`not_configured` (50101): the server has no translation service.", body = ErrorBody),
        (status = 503, description = "`unavailable` (50301): the translation service did not answer, or not as its API does; retry later.", body = ErrorBody),
    ))]
async fn translate_text(
    State(state): State<AppState>,
    ClientUser(_device): ClientUser,
    JsonBody(request): JsonBody<TranslateTextRequest>,
) -> ApiResult<Json<TranslatedText>> {
    Ok(Json(state.natter.translate_text(request).await?))
}

/// Speech to text
///
/// Writes out the speech of a sound message as text, as Tencent's `convertVoiceToText`, by the
/// OpenAI-compatible speech-to-text service the operator set up (`--speech-to-text-url`). The
/// audio is a file uploaded to this server, named by the message's `url`; the link is the
/// permission to read it, as for downloading it.
#[utoipa::path(post, path = "/v1/speech-to-text", tag = "client", operation_id = "convertVoiceToText",
    request_body = SpeechToTextRequest,
    responses(
        (status = 200, description = "The speech as text.", body = SpeechToText),
        (status = 400, description = "`invalid_argument` (40001): a `url` that is no file of this server, a malformed language code, or audio the service refused (a format it cannot decode), with its reason.", body = ErrorBody),
        (status = 404, description = "`not_found` (40401): the file was removed.", body = ErrorBody),
        (status = 413, description = "`payload_too_large` (41301): the file is over 25 MiB.", body = ErrorBody),
        (status = 501, description = "`not_configured` (50101): the server has no speech-to-text service.", body = ErrorBody),
        (status = 503, description = "`unavailable` (50301): the speech-to-text service did not answer, or not as its API does; retry later.", body = ErrorBody),
    ))]
async fn speech_to_text(
    State(state): State<AppState>,
    ClientUser(_device): ClientUser,
    JsonBody(request): JsonBody<SpeechToTextRequest>,
) -> ApiResult<Json<SpeechToText>> {
    Ok(Json(
        state.natter.speech_to_text(&state.uploads, request).await?,
    ))
}
