//! The before-send callback (Tencent Cloud Chat's "callback before sending a message"): each
//! message a user's device sends is posted to the app backend before it is stored, and the
//! backend allows it, rejects it, or replaces its payload (moderation).
//!
//! Its cost is on every send's path: the sender waits for one round trip to the backend (at
//! most `timeout`), and the backend must keep up with the whole send rate. When it does not
//! answer in time, or answers something invalid, `fail_open` decides: the message goes through
//! unchecked, or the send fails with 503 and the device retries.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use natter_core::wire::{BeforeSendAnswer, BeforeSendRequest, BeforeSendResult, MessageHeader};
use natter_core::{Error, ErrorKind, Result, message};
use natter_store::NewMessage;

use super::signature;
use crate::metrics::BeforeSendOutcome;
use crate::{Natter, present};

/// Where and how to ask, from the server's configuration.
#[derive(Debug, Clone)]
pub struct BeforeSendOptions {
    pub url: String,
    /// Signs each request as the webhooks are signed.
    pub secret: Option<String>,
    /// An answer later than this is no answer.
    pub timeout: Duration,
    /// Without a valid answer in time: true stores the message unchecked, false refuses it
    /// (503, retry).
    pub fail_open: bool,
}

/// Most characters of the backend's reason shown to the sender.
const MAX_REASON_CHARS: usize = 200;

pub(crate) struct BeforeSend {
    options: BeforeSendOptions,
    url: reqwest::Url,
    http: reqwest::Client,
}

impl std::fmt::Debug for BeforeSend {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("BeforeSend")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

impl BeforeSend {
    pub(crate) fn new(options: BeforeSendOptions) -> Result<Self> {
        let url = reqwest::Url::parse(&options.url)
            .map_err(|error| Error::invalid_argument(format!("the before-send URL: {error}")))?;
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .build()
            .map_err(|error| Error::internal(format!("the before-send HTTP client: {error}")))?;
        Ok(Self { options, url, http })
    }

    /// The backend's valid answer, or why there is none.
    async fn ask(&self, question: &BeforeSendRequest) -> Result<BeforeSendAnswer, String> {
        let body = serde_json::to_vec(question).map_err(|error| error.to_string())?;
        let request = self
            .http
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        let request = signature::signed(request, self.options.secret.as_deref(), &body);
        let answer = request.body(body).send().await.map_err(|error| {
            if error.is_timeout() {
                format!("no answer within {} ms", self.options.timeout.as_millis())
            } else {
                format!("cannot reach it: {}", error.without_url())
            }
        })?;
        let status = answer.status();
        if !status.is_success() {
            return Err(format!("it answered {status}"));
        }
        let bytes = answer.bytes().await.map_err(|error| {
            if error.is_timeout() {
                format!("no answer within {} ms", self.options.timeout.as_millis())
            } else {
                format!("cannot read its answer: {}", error.without_url())
            }
        })?;
        serde_json::from_slice(&bytes).map_err(|error| format!("its answer is not valid: {error}"))
    }
}

impl Natter {
    /// Asks the before-send callback, if there is one, about a message a user's device sends;
    /// returns it as it is to be stored (its payload replaced if the backend said so).
    pub(crate) async fn check_before_send(
        &self,
        mut message: NewMessage,
        persist: bool,
    ) -> Result<NewMessage> {
        let Some(hook) = &self.before_send else {
            return Ok(message);
        };
        let question = BeforeSendRequest {
            from_uid: message.from.to_string(),
            channel_id: present::channel_id(&message.to),
            channel_type: message.to.kind().code(),
            client_msg_no: message.client_msg_no.clone().unwrap_or_default(),
            message_type: message.message_type.clone(),
            payload: BASE64.encode(message.payload.as_bytes()),
            header: MessageHeader {
                no_persist: u8::from(!persist),
                red_dot: u8::from(message.counts_as_unread),
                sync_once: 0,
            },
            timestamp: message.time_ms / 1000,
        };
        let decided = hook
            .ask(&question)
            .await
            .and_then(|answer| decide(&message.message_type, answer));
        match decided {
            Ok(Decision::Allow) => {
                self.metrics.before_send(BeforeSendOutcome::Allowed);
                Ok(message)
            }
            Ok(Decision::Replace(payload)) => {
                self.metrics.before_send(BeforeSendOutcome::Replaced);
                message.payload = payload;
                Ok(message)
            }
            Ok(Decision::Reject(reason)) => {
                self.metrics.before_send(BeforeSendOutcome::Rejected);
                let message = match reason {
                    Some(reason) => format!("the app refused this message: {reason}"),
                    None => "the app refused this message".to_owned(),
                };
                Err(Error::new(ErrorKind::MessageRejected, message))
            }
            Err(failure) if hook.options.fail_open => {
                self.metrics.before_send(BeforeSendOutcome::Failed);
                tracing::warn!(%failure, "before-send callback failed; the message goes through unchecked (fail-open)");
                Ok(message)
            }
            Err(failure) => {
                self.metrics.before_send(BeforeSendOutcome::Failed);
                Err(Error::unavailable(
                    "the app's check of messages did not answer; retry later",
                    format!("before-send callback failed (fail-closed): {failure}"),
                ))
            }
        }
    }
}

/// What to do with the message.
#[derive(Debug, PartialEq, Eq)]
enum Decision {
    Allow,
    Reject(Option<String>),
    /// Store this payload (compact JSON text) instead.
    Replace(String),
}

/// The decision an answer makes; an unusable replacement makes the answer invalid.
fn decide(message_type: &str, answer: BeforeSendAnswer) -> Result<Decision, String> {
    match answer.result {
        BeforeSendResult::Allow => Ok(Decision::Allow),
        BeforeSendResult::Reject => Ok(Decision::Reject(
            answer
                .reason
                .filter(|reason| !reason.trim().is_empty())
                .map(|reason| {
                    reason
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(MAX_REASON_CHARS)
                        .collect()
                }),
        )),
        BeforeSendResult::Replace => {
            let encoded = answer
                .payload
                .ok_or("its answer is not valid: `replace` without a `payload`")?;
            let payload = crate::messaging::decode_payload(&encoded)
                .map_err(|error| format!("its replacement is not valid: {error}"))?;
            let value: serde_json::Value =
                serde_json::from_str(&payload).map_err(|error| error.to_string())?;
            message::check(message_type, &value)
                .map_err(|error| format!("its replacement is not valid: {error}"))?;
            Ok(Decision::Replace(payload))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(
        result: BeforeSendResult,
        reason: Option<&str>,
        payload: Option<&str>,
    ) -> BeforeSendAnswer {
        BeforeSendAnswer {
            result,
            reason: reason.map(str::to_owned),
            payload: payload.map(str::to_owned),
        }
    }

    #[test]
    fn a_replacement_must_be_a_valid_payload_for_the_type() {
        let text = BASE64.encode(br#"{"text": "***"}"#);
        assert_eq!(
            decide(
                "TIMTextElem",
                answer(BeforeSendResult::Replace, None, Some(&text))
            ),
            Ok(Decision::Replace(r#"{"text":"***"}"#.into()))
        );
        let not_text = BASE64.encode(br#"{"data": "x"}"#);
        assert!(
            decide(
                "TIMTextElem",
                answer(BeforeSendResult::Replace, None, Some(&not_text))
            )
            .is_err()
        );
        assert!(decide("TIMTextElem", answer(BeforeSendResult::Replace, None, None)).is_err());
        assert!(
            decide(
                "TIMTextElem",
                answer(BeforeSendResult::Replace, None, Some("%%"))
            )
            .is_err()
        );
    }

    #[test]
    fn a_rejection_carries_a_printable_reason() {
        assert_eq!(
            decide(
                "TIMTextElem",
                answer(BeforeSendResult::Reject, Some("spam\n"), None)
            ),
            Ok(Decision::Reject(Some("spam".into())))
        );
        assert_eq!(
            decide(
                "TIMTextElem",
                answer(BeforeSendResult::Reject, Some("  "), None)
            ),
            Ok(Decision::Reject(None))
        );
        assert_eq!(
            decide("TIMTextElem", answer(BeforeSendResult::Allow, None, None)),
            Ok(Decision::Allow)
        );
    }
}
