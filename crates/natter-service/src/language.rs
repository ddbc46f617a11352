//! Translation and speech to text (Tencent's `translateText` and `convertVoiceToText`), asked of
//! services the operator runs, since Natter has neither a translation model nor a speech model
//! of its own: a LibreTranslate-compatible `/translate` endpoint, and an OpenAI-compatible
//! `/v1/audio/transcriptions` endpoint (OpenAI's, or a self-hosted Whisper server that speaks
//! its API). Both APIs are the ones self-hosted services most often answer.
//!
//! A request the service refuses as malformed (an unknown language, audio it cannot decode: its
//! 400, 413, 415 or 422) answers 400 with the service's reason; a service that is down, slow,
//! refuses the server's key, or answers nonsense answers 503, for the client to retry (the
//! detail goes to the log); an unconfigured one answers 501.

use std::time::Duration;

use natter_core::language::Translation;
use natter_core::wire::{SpeechToText, SpeechToTextRequest, TranslateTextRequest, TranslatedText};
use natter_core::{Error, ErrorKind, Result, language};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::metrics::{LanguageOutcome, LanguageService};
use crate::uploads::LinkedFile;
use crate::{Natter, Uploads};

/// The largest audio file sent to be written out: OpenAI's transcription limit, which the
/// self-hosted servers copy.
const MAX_AUDIO_BYTES: u64 = 25 * 1024 * 1024;

/// Most characters of a service's own reason passed on to the client.
const MAX_REASON_CHARS: usize = 200;

/// Where the translation service is, from the server's configuration.
#[derive(Debug, Clone)]
pub struct TranslationOptions {
    /// Its `/translate` endpoint.
    pub url: String,
    /// Sent as LibreTranslate's `api_key`, for a service that asks for one.
    pub api_key: Option<String>,
    pub timeout: Duration,
}

/// Where the speech-to-text service is, from the server's configuration.
#[derive(Debug, Clone)]
pub struct SpeechToTextOptions {
    /// Its `/v1/audio/transcriptions` endpoint.
    pub url: String,
    /// Sent as `Authorization: Bearer`, for a service that asks for one.
    pub api_key: Option<String>,
    /// The model the service is asked to use (`whisper-1` for OpenAI's).
    pub model: String,
    pub timeout: Duration,
}

/// One outside service: its address, key and HTTP client.
struct Service {
    /// What the service is, as messages name it.
    what: &'static str,
    url: reqwest::Url,
    api_key: Option<String>,
    timeout: Duration,
    http: reqwest::Client,
}

impl Service {
    fn new(
        what: &'static str,
        url: &str,
        api_key: Option<String>,
        timeout: Duration,
    ) -> Result<Self> {
        let url = reqwest::Url::parse(url)
            .map_err(|error| Error::invalid_argument(format!("the {what} URL: {error}")))?;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|error| Error::internal(format!("the {what} HTTP client: {error}")))?;
        Ok(Self {
            what,
            url,
            api_key: api_key.filter(|key| !key.is_empty()),
            timeout,
            http,
        })
    }

    /// Sends `request` and reads the service's JSON answer as `T`.
    async fn ask<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T> {
        let what = self.what;
        let down = |detail: String| {
            Error::unavailable(
                format!("the {what} service did not answer; retry later"),
                format!("{what} service: {detail}"),
            )
        };
        let failed = |error: reqwest::Error| {
            if error.is_timeout() {
                down(format!("no answer within {} ms", self.timeout.as_millis()))
            } else {
                down(error.without_url().to_string())
            }
        };
        let answer = request.send().await.map_err(failed)?;
        let status = answer.status();
        let body = answer.bytes().await.map_err(failed)?;
        // What the request carried is the client's to fix; anything else (a key refused, a
        // wrong address, a limit, a failure) is the operator's, and retrying may help.
        if matches!(status.as_u16(), 400 | 413 | 415 | 422) {
            return Err(Error::invalid_argument(format!(
                "the {what} service refused the request: {}",
                reason(&body).unwrap_or_else(|| status.to_string())
            )));
        }
        if !status.is_success() {
            let reason = reason(&body).unwrap_or_default();
            return Err(down(format!("answered {status} {reason}")));
        }
        serde_json::from_slice(&body)
            .map_err(|error| down(format!("its answer is not what its API answers: {error}")))
    }
}

/// The reason in a service's error answer: LibreTranslate's `{"error": "…"}`, or OpenAI's
/// `{"error": {"message": "…"}}`.
fn reason(body: &[u8]) -> Option<String> {
    let answer: serde_json::Value = serde_json::from_slice(body).ok()?;
    let error = &answer["error"];
    let text = error.as_str().or_else(|| error["message"].as_str())?.trim();
    (!text.is_empty()).then(|| text.chars().take(MAX_REASON_CHARS).collect())
}

/// How a service's call ended, for the metrics.
fn outcome<T>(answer: &Result<T>) -> LanguageOutcome {
    match answer {
        Ok(_) => LanguageOutcome::Answered,
        Err(error) if error.kind == ErrorKind::InvalidArgument => LanguageOutcome::Refused,
        Err(_) => LanguageOutcome::Failed,
    }
}

/// LibreTranslate's answer to a list of texts.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LibreTranslated {
    translated_text: Vec<String>,
}

/// OpenAI's transcription answer (`response_format` `json`).
#[derive(Deserialize)]
struct Transcription {
    text: String,
}

pub(crate) struct Translator(Service);

impl Translator {
    pub(crate) fn new(options: TranslationOptions) -> Result<Self> {
        Service::new(
            "translation",
            &options.url,
            options.api_key,
            options.timeout,
        )
        .map(Self)
    }

    async fn translate(&self, translation: &Translation) -> Result<Vec<String>> {
        let service = &self.0;
        let mut body = serde_json::json!({
            "q": translation.texts,
            "source": translation.source,
            "target": translation.target,
            "format": "text",
        });
        if let Some(key) = &service.api_key {
            body["api_key"] = key.clone().into();
        }
        let answer: LibreTranslated = service
            .ask(service.http.post(service.url.clone()).json(&body))
            .await?;
        if answer.translated_text.len() != translation.texts.len() {
            return Err(Error::unavailable(
                "the translation service did not answer; retry later",
                format!(
                    "translation service: {} translations of {} texts",
                    answer.translated_text.len(),
                    translation.texts.len()
                ),
            ));
        }
        Ok(answer.translated_text)
    }
}

pub(crate) struct Transcriber {
    service: Service,
    model: String,
}

impl Transcriber {
    pub(crate) fn new(options: SpeechToTextOptions) -> Result<Self> {
        Ok(Self {
            service: Service::new(
                "speech-to-text",
                &options.url,
                options.api_key,
                options.timeout,
            )?,
            model: options.model,
        })
    }

    async fn transcribe(&self, audio: LinkedFile, language: Option<String>) -> Result<String> {
        let service = &self.service;
        let file = reqwest::multipart::Part::bytes(audio.bytes).file_name(audio.name);
        let mut form = reqwest::multipart::Form::new()
            .part("file", file)
            .text("model", self.model.clone())
            .text("response_format", "json");
        if let Some(language) = language {
            form = form.text("language", language);
        }
        let mut request = service.http.post(service.url.clone()).multipart(form);
        if let Some(key) = &service.api_key {
            request = request.bearer_auth(key);
        }
        let answer: Transcription = service.ask(request).await?;
        Ok(answer.text.trim().to_owned())
    }
}

impl Natter {
    /// Translates texts into one language (Tencent's `translateText`).
    pub async fn translate_text(&self, request: TranslateTextRequest) -> Result<TranslatedText> {
        let translation = language::translation(request)?;
        let translator = self.translator.as_ref().ok_or_else(|| {
            Error::not_configured(
                "translation is not set up on this server (its operator sets --translation-url)",
            )
        })?;
        let answer = translator.translate(&translation).await;
        self.metrics
            .language(LanguageService::Translation, outcome(&answer));
        Ok(TranslatedText {
            translated_text_list: answer?,
        })
    }

    /// Writes out the speech of a sound message's file, uploaded to `uploads`, as text
    /// (Tencent's `convertVoiceToText`).
    pub async fn speech_to_text(
        &self,
        uploads: &Uploads,
        request: SpeechToTextRequest,
    ) -> Result<SpeechToText> {
        let language = request
            .language
            .map(|code| language::language_code("language", code))
            .transpose()?;
        let transcriber = self.transcriber.as_ref().ok_or_else(|| {
            Error::not_configured(
                "speech to text is not set up on this server (its operator sets \
                 --speech-to-text-url)",
            )
        })?;
        let audio = uploads.read_linked(&request.url, MAX_AUDIO_BYTES).await?;
        let answer = transcriber.transcribe(audio, language).await;
        self.metrics
            .language(LanguageService::SpeechToText, outcome(&answer));
        Ok(SpeechToText { result: answer? })
    }
}

#[cfg(test)]
mod tests {
    use super::reason;

    #[test]
    fn a_services_reason_is_read_in_either_apis_shape() {
        assert_eq!(
            reason(br#"{"error": "fr is not supported"}"#).as_deref(),
            Some("fr is not supported")
        );
        assert_eq!(
            reason(br#"{"error": {"message": "Invalid file format.", "type": "invalid_request_error"}}"#)
                .as_deref(),
            Some("Invalid file format.")
        );
        assert_eq!(reason(b"<html>Bad Gateway</html>"), None);
        assert_eq!(reason(br#"{"error": "  "}"#), None);
    }
}
