//! Translation and speech to text (`POST /v1/translate`, `POST /v1/speech-to-text`), passed on
//! to the operator's services. Those are stood up here as a small HTTP server on a loopback
//! port that answers LibreTranslate's `/translate` and OpenAI's `/v1/audio/transcriptions` as
//! those APIs do, and checks that each request is as they take it (the body's fields, the key,
//! the audio's bytes): Natter has neither service, and the test machine reaches no model.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use crate::common::{Options, Server, User};
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;

const TRANSLATION_KEY: &str = "libre-key";
const SPEECH_KEY: &str = "sk-speech";
/// What the stand-in hears in every audio file.
const SPOKEN: &str = "See you at nine";

/// What the stand-in services were asked.
#[derive(Debug, Default)]
struct Heard {
    translations: Vec<Value>,
    /// Each transcription's form fields, the file's name and bytes under `file`.
    transcriptions: Vec<Vec<(String, String, Vec<u8>)>>,
}

type Shared = Arc<Mutex<Heard>>;

/// LibreTranslate's `/translate`: `q` a list of texts, `source`, `target`, `format`, `api_key`.
/// It knows a few Chinese words in English, refuses the language `xx` as LibreTranslate refuses
/// one it lacks (400 `{"error"}`), and fails (500) on the text "boom".
async fn translate(State(heard): State<Shared>, Json(body): Json<Value>) -> Response {
    heard.lock().unwrap().translations.push(body.clone());
    if body["api_key"] != TRANSLATION_KEY {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({"error": "Invalid API key"})),
        )
            .into_response();
    }
    if body["target"] == "xx" {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "xx is not supported"})),
        )
            .into_response();
    }
    let texts: Vec<&str> = body["q"]
        .as_array()
        .expect("q is a list")
        .iter()
        .map(|text| text.as_str().expect("a text"))
        .collect();
    if texts.contains(&"boom") {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let translated: Vec<String> = texts
        .iter()
        .map(|text| match *text {
            "早上好" => "Good morning".to_owned(),
            "谢谢" => "Thank you".to_owned(),
            other => format!("[{}] {other}", body["target"].as_str().unwrap()),
        })
        .collect();
    Json(json!({"translatedText": translated})).into_response()
}

/// OpenAI's `/v1/audio/transcriptions`: a multipart form with `file`, `model`, `language`,
/// `response_format`, and the key as a bearer token. A file whose bytes are not `ID3…` (an MP3)
/// is refused as OpenAI refuses one (400 `{"error": {"message"}}`).
async fn transcribe(
    State(heard): State<Shared>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let mut fields = Vec::new();
    while let Some(field) = form.next_field().await.expect("a multipart form") {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.expect("the field's bytes").to_vec();
        fields.push((name, file_name, bytes));
    }
    let audio_is_mp3 = fields
        .iter()
        .any(|(name, _, bytes)| name == "file" && bytes.starts_with(b"ID3"));
    heard.lock().unwrap().transcriptions.push(fields);
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer {SPEECH_KEY}"))
    {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if !audio_is_mp3 {
        let error =
            json!({"error": {"message": "Invalid file format.", "type": "invalid_request_error"}});
        return (StatusCode::BAD_REQUEST, Json(error)).into_response();
    }
    Json(json!({"text": format!(" {SPOKEN} ")})).into_response()
}

/// Starts the stand-in services; their address and what they hear.
async fn services() -> (SocketAddr, Shared) {
    let heard = Shared::default();
    let app = axum::Router::new()
        .route("/translate", axum::routing::post(translate))
        .route("/v1/audio/transcriptions", axum::routing::post(transcribe))
        .with_state(heard.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, heard)
}

/// A server that asks the stand-in services at `address`, with `keys` (translation, speech).
async fn server_asking(address: SocketAddr, keys: (&str, &str)) -> Server {
    Server::start_with(Options {
        translation: Some((format!("http://{address}/translate"), keys.0.to_owned())),
        speech_to_text: Some((
            format!("http://{address}/v1/audio/transcriptions"),
            keys.1.to_owned(),
        )),
        ..Options::default()
    })
    .await
}

/// Uploads `bytes` as `name`; the file's `url` as a sound message carries it.
async fn upload(user: &User, name: &str, bytes: &[u8]) -> String {
    let stored = user
        .send(
            user.request(reqwest::Method::POST, &format!("/v1/files?name={name}"))
                .header("content-type", "audio/mpeg")
                .body(bytes.to_vec()),
        )
        .await
        .ok();
    stored["url"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn texts_are_translated_in_order_by_the_translation_service() {
    let (address, heard) = services().await;
    let server = server_asking(address, (TRANSLATION_KEY, SPEECH_KEY)).await;
    let alice = server.user("alice").await;

    let answer = alice
        .post(
            "/v1/translate",
            json!({"sourceTextList": ["早上好", "谢谢", "再见"], "sourceLanguage": "zh", "targetLanguage": "en"}),
        )
        .await
        .ok();
    assert_eq!(
        answer,
        json!({"translatedTextList": ["Good morning", "Thank you", "[en] 再见"]})
    );
    let asked = heard.lock().unwrap().translations[0].clone();
    assert_eq!(
        asked,
        json!({"q": ["早上好", "谢谢", "再见"], "source": "zh", "target": "en", "format": "text", "api_key": TRANSLATION_KEY})
    );

    // No source language: the service detects it.
    alice
        .post(
            "/v1/translate",
            json!({"sourceTextList": ["hola"], "targetLanguage": "fr"}),
        )
        .await
        .ok();
    assert_eq!(heard.lock().unwrap().translations[1]["source"], "auto");
}

#[tokio::test]
async fn bad_translations_are_refused_with_the_reason() {
    let (address, heard) = services().await;
    let server = server_asking(address, (TRANSLATION_KEY, SPEECH_KEY)).await;
    let alice = server.user("alice").await;
    let ask = |texts: Value, target: &str| {
        alice.post(
            "/v1/translate",
            json!({"sourceTextList": texts, "targetLanguage": target}),
        )
    };

    // Checked before the service is asked.
    ask(json!([]), "en").await.expect_error_naming(
        400,
        40001,
        "invalid_argument",
        "sourceTextList",
    );
    ask(json!(vec!["a"; 101]), "en").await.expect_error_naming(
        400,
        40001,
        "invalid_argument",
        "sourceTextList",
    );
    ask(json!(["x".repeat(10_001)]), "en")
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "sourceTextList");
    ask(json!(["hi"]), "en us").await.expect_error_naming(
        400,
        40001,
        "invalid_argument",
        "targetLanguage",
    );
    alice
        .post("/v1/translate", json!({"sourceTextList": ["hi"]}))
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "targetLanguage");
    assert!(heard.lock().unwrap().translations.is_empty());

    // The service refuses a language it lacks: 400 with its reason.
    let refused = ask(json!(["hi"]), "xx")
        .await
        .expect_error(400, 40001, "invalid_argument");
    assert!(refused.contains("xx is not supported"), "{refused}");
    // The service fails: 503, retry later.
    ask(json!(["boom"]), "en")
        .await
        .expect_error(503, 50301, "unavailable");
    // Counted by outcome: the checks before asking are not calls of the service.
    let manager = server.manager();
    let counted = |outcome: &'static str| {
        let manager = &manager;
        async move {
            manager
                .metric(&format!(
                    "natter_language_requests_total{{service=\"translation\",outcome=\"{outcome}\"}}"
                ))
                .await
        }
    };
    assert_eq!(
        (
            counted("answered").await,
            counted("refused").await,
            counted("failed").await
        ),
        (0, 1, 1)
    );
    // A user token is needed.
    let anyone = server.anonymous();
    anyone
        .post(
            "/v1/translate",
            json!({"sourceTextList": ["hi"], "targetLanguage": "en"}),
        )
        .await
        .expect_error(401, 40101, "unauthenticated");
}

#[tokio::test]
async fn a_service_refusing_the_servers_key_misaddressed_or_unreachable_is_unavailable() {
    let (address, _heard) = services().await;
    let server = server_asking(address, ("wrong", "wrong")).await;
    let alice = server.user("alice").await;
    let texts = json!({"sourceTextList": ["hi"], "targetLanguage": "en"});
    let message = alice
        .post("/v1/translate", texts.clone())
        .await
        .expect_error(503, 50301, "unavailable");
    // The key is the operator's problem, not the user's: nothing about it reaches them.
    assert!(!message.contains("key"), "{message}");
    let url = upload(&alice, "hello.mp3", b"ID3 an mp3").await;
    alice
        .post("/v1/speech-to-text", json!({"url": url}))
        .await
        .expect_error(503, 50301, "unavailable");

    // A wrong address on the service's host: its 404 is the operator's to fix, not the user's.
    let server = Server::start_with(Options {
        translation: Some((
            format!("http://{address}/v2/translate"),
            TRANSLATION_KEY.to_owned(),
        )),
        ..Options::default()
    })
    .await;
    let carol = server.user("carol").await;
    carol
        .post("/v1/translate", texts.clone())
        .await
        .expect_error(503, 50301, "unavailable");

    // Nothing listens there.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let nowhere = closed.local_addr().unwrap();
    drop(closed);
    let server = server_asking(nowhere, (TRANSLATION_KEY, SPEECH_KEY)).await;
    let bob = server.user("bob").await;
    bob.post("/v1/translate", texts)
        .await
        .expect_error(503, 50301, "unavailable");
}

#[tokio::test]
async fn a_sound_message_is_written_out_by_the_speech_service() {
    let (address, heard) = services().await;
    let server = server_asking(address, (TRANSLATION_KEY, SPEECH_KEY)).await;
    let alice = server.user("alice").await;
    let audio = b"ID3\x04\0\0\0\0\0\0 spoken words".to_vec();
    let url = upload(&alice, "voice note.mp3", &audio).await;

    // The URL as the file's upload answers it, and as a client makes it absolute.
    let absolute = format!("{}{url}", server.base);
    for (url, language) in [(url.clone(), Some("en")), (absolute, None)] {
        let mut body = json!({"url": url});
        if let Some(language) = language {
            body["language"] = language.into();
        }
        let answer = alice.post("/v1/speech-to-text", body).await.ok();
        assert_eq!(answer, json!({"result": SPOKEN}));
    }
    let heard = heard.lock().unwrap();
    let field = |form: &[(String, String, Vec<u8>)], name: &str| {
        form.iter()
            .find(|(field, _, _)| field == name)
            .map(|(_, file_name, bytes)| (file_name.clone(), bytes.clone()))
    };
    let first = &heard.transcriptions[0];
    assert_eq!(
        field(first, "file"),
        Some(("voice note.mp3".to_owned(), audio))
    );
    assert_eq!(field(first, "model").unwrap().1, b"whisper-1");
    assert_eq!(field(first, "response_format").unwrap().1, b"json");
    assert_eq!(field(first, "language").unwrap().1, b"en");
    assert_eq!(
        field(&heard.transcriptions[1], "language"),
        None,
        "without a language the service detects it"
    );
}

#[tokio::test]
async fn speech_to_text_takes_only_this_servers_files() {
    let (address, heard) = services().await;
    let server = server_asking(address, (TRANSLATION_KEY, SPEECH_KEY)).await;
    let alice = server.user("alice").await;
    let ask = |url: &str| alice.post("/v1/speech-to-text", json!({"url": url}));

    for elsewhere in [
        "https://cdn.example.com/voice.mp3",
        "/files/not-an-id/voice.mp3",
        "/v1/files/0123456789abcdef0123456789abcdef/a.mp3",
        "not a url",
    ] {
        ask(elsewhere)
            .await
            .expect_error_naming(400, 40001, "invalid_argument", "url");
    }
    ask("/files/0123456789abcdef0123456789abcdef/gone.mp3")
        .await
        .expect_error_naming(404, 40401, "not_found", "url");
    alice
        .post(
            "/v1/speech-to-text",
            json!({"url": "/files/0123456789abcdef0123456789abcdef/a.mp3", "language": "zh (cmn-Hans-CN)"}),
        )
        .await
        .expect_error_naming(400, 40001, "invalid_argument", "language");
    assert!(heard.lock().unwrap().transcriptions.is_empty());

    // Audio the service cannot decode: 400 with its reason.
    let url = upload(&alice, "noise.ogg", b"OggS not an mp3").await;
    let refused = ask(&url).await.expect_error(400, 40001, "invalid_argument");
    assert!(refused.contains("Invalid file format."), "{refused}");
    let metric = "natter_language_requests_total{service=\"speech_to_text\",outcome=\"refused\"}";
    assert_eq!(server.manager().metric(metric).await, 1);
}

#[tokio::test]
async fn without_the_services_both_answer_not_configured() {
    let server = Server::start().await;
    let alice = server.user("alice").await;
    let message = alice
        .post(
            "/v1/translate",
            json!({"sourceTextList": ["hi"], "targetLanguage": "en"}),
        )
        .await
        .expect_error(501, 50101, "not_configured");
    assert!(message.contains("--translation-url"), "{message}");
    let url = upload(&alice, "hello.mp3", b"ID3").await;
    let message = alice
        .post("/v1/speech-to-text", json!({"url": url}))
        .await
        .expect_error(501, 50101, "not_configured");
    assert!(message.contains("--speech-to-text-url"), "{message}");
}
