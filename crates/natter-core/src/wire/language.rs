//! Translation and speech to text (Tencent's `translateText` and `convertVoiceToText`), which
//! the server asks of outside services the operator runs.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/translate`: texts to translate into one language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"sourceTextList": ["早上好", "谢谢"], "sourceLanguage": "zh", "targetLanguage": "en"}))]
pub struct TranslateTextRequest {
    /// 1–100 texts, at most 10,000 characters in all.
    pub source_text_list: Vec<String>,
    /// The texts' language, as the translation service names it (`zh`, `en`, …); `""` or left
    /// out: the service detects it (`auto`).
    #[serde(default)]
    pub source_language: String,
    /// The language to translate into.
    pub target_language: String,
}

/// The translations, in the order of `sourceTextList`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"translatedTextList": ["Good morning", "Thank you"]}))]
pub struct TranslatedText {
    pub translated_text_list: Vec<String>,
}

/// `POST /v1/speech-to-text`: the audio file of a sound message, to be written out as text.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"url": "https://chat.example.com/files/0f3c9a1e6b2d4c8f9a7e5d3b1c0f2e4a/voice.mp3", "language": "en"}))]
pub struct SpeechToTextRequest {
    /// The sound message's `url`: a file uploaded to this server (`/files/<fileID>/<name>`,
    /// with or without the server's address before it).
    pub url: String,
    /// The speech's language as an ISO 639-1 code (`en`, `zh`, …); left out: the service
    /// detects it.
    #[serde(default)]
    pub language: Option<String>,
}

/// The speech, as text.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[schema(example = json!({"result": "See you at nine"}))]
pub struct SpeechToText {
    pub result: String,
}
