//! The app backend's webhook receiver: the nodes post `msg.notify`, `msg.offline`,
//! `user.onlinestatus` and `conversation.deleted` to it, and it records every request it gets. Its fault lane ([`super::nemesis::backend`])
//! makes it refuse requests (500) or answer them after Natter's timeout, as a backend that
//! fails or stalls would; either way Natter must send the events again.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use anyhow::Result;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use natter_chaos::history::{Event, Hook, Msg, channel_of, group_channel};
use serde::Deserialize;
use serde_json::Value;

use super::recorder::Recorder;

/// The nodes' `--webhook-timeout-ms`.
pub const NODE_TIMEOUT_MS: u64 = 1_000;

/// How the receiver answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Mode {
    /// 200 at once.
    Take,
    /// 500: the backend failed; the events are not taken.
    Refuse,
    /// 200 after the nodes' timeout: the backend took the events, but Natter gave up waiting.
    Late,
}

pub struct Receiver {
    pub url: String,
    mode: Arc<AtomicU8>,
}

impl Receiver {
    /// Listens on a free loopback port, recording into `recorder`.
    pub async fn start(recorder: Recorder) -> Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/webhook", listener.local_addr()?);
        let mode = Arc::new(AtomicU8::new(Mode::Take as u8));
        let app = Router::new()
            .route("/webhook", post(receive))
            .with_state(Shared {
                recorder,
                mode: mode.clone(),
            });
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("the webhook receiver stopped: {error}");
            }
        });
        Ok(Self { url, mode })
    }

    pub fn set_mode(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::Relaxed);
    }
}

#[derive(Clone)]
struct Shared {
    recorder: Recorder,
    mode: Arc<AtomicU8>,
}

#[derive(Deserialize)]
struct Which {
    event: String,
}

async fn receive(
    State(shared): State<Shared>,
    Query(which): Query<Which>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header_ids: Vec<u64> = headers
        .get("x-natter-event-ids")
        .and_then(|value| value.to_str().ok())
        .map(|ids| ids.split(',').filter_map(|id| id.parse().ok()).collect())
        .unwrap_or_default();
    let hooks = match hooks(&which.event, &header_ids, &body) {
        Ok(hooks) => hooks,
        Err(why) => {
            // Never taken, so the outbox does not drain and the checker reports it.
            eprintln!(
                "webhook receiver: a {} request it cannot read: {why}",
                which.event
            );
            return StatusCode::BAD_REQUEST;
        }
    };
    let mode = shared.mode.load(Ordering::Relaxed);
    let accepted = mode != Mode::Refuse as u8;
    shared.recorder.record(Event::Webhook {
        accepted,
        header_ids,
        hooks,
    });
    if mode == Mode::Late as u8 {
        tokio::time::sleep(Duration::from_millis(NODE_TIMEOUT_MS + 500)).await;
    }
    if accepted {
        StatusCode::OK
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

/// The events of a request's body: an array of `msg.notify`'s messages, of
/// `conversation.deleted`'s deletions or of `user.onlinestatus`'s lines (whose event IDs are
/// only in the header), or one `msg.offline` message.
fn hooks(event: &str, header_ids: &[u64], body: &[u8]) -> Result<Vec<Hook>, String> {
    let body: Value = serde_json::from_slice(body).map_err(|error| error.to_string())?;
    match (event, &body) {
        ("msg.offline", item) => Ok(vec![offline(item)?]),
        ("user.onlinestatus", Value::Array(lines)) if lines.len() == header_ids.len() => lines
            .iter()
            .zip(header_ids)
            .map(|(line, event_id)| online_status(*event_id, line))
            .collect(),
        ("user.onlinestatus", _) => Err("lines that the header does not number one each".into()),
        (_, Value::Array(items)) => items
            .iter()
            .map(|item| match event {
                "msg.notify" => message(item),
                "conversation.deleted" => deletion(item),
                other => Err(format!("no event {other} was asked for")),
            })
            .collect(),
        _ => Err(format!("a {event} body that is not an array")),
    }
}

fn message(item: &Value) -> Result<Hook, String> {
    let (event_id, channel, message) = stored_message(item)
        .ok_or_else(|| format!("a msg.notify item without its fields: {item}"))?;
    Ok(Hook::Message {
        event_id,
        channel,
        message,
    })
}

fn offline(item: &Value) -> Result<Hook, String> {
    let read = || -> Option<Hook> {
        let (event_id, channel, message) = stored_message(item)?;
        Some(Hook::Offline {
            event_id,
            channel,
            message,
            to_uids: item["to_uids"]
                .as_array()?
                .iter()
                .map(|uid| uid.as_str().map(str::to_owned))
                .collect::<Option<_>>()?,
        })
    };
    read().ok_or_else(|| format!("a msg.offline body without its fields: {item}"))
}

/// `uid-device_flag-status-connection_id-device_online_count-total_online_count`, read from
/// the right (a uid may hold `-`).
fn online_status(event_id: u64, line: &Value) -> Result<Hook, String> {
    let read = || -> Option<Hook> {
        let mut fields = line.as_str()?.rsplitn(5, '-');
        let (_total, _device, connection_id, status) = (
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
        );
        let (uid, device_flag) = fields.next()?.rsplit_once('-')?;
        Some(Hook::OnlineStatus {
            event_id,
            uid: uid.to_owned(),
            device_flag: device_flag.parse().ok()?,
            online: match status {
                "1" => true,
                "0" => false,
                _ => return None,
            },
            connection_id: connection_id.to_owned(),
        })
    };
    read().ok_or_else(|| format!("a user.onlinestatus line it cannot read: {line}"))
}

/// The event ID, channel and message of WuKongIM's `MessageResp`, which both message events
/// carry.
fn stored_message(item: &Value) -> Option<(u64, String, Msg)> {
    let from = item["from_uid"].as_str()?;
    let channel_id = item["channel_id"].as_str()?;
    let channel = match item["channel_type"].as_u64()? {
        // The server's notice in the user's system conversation, which has no sender.
        1 if from.is_empty() => format!("other:@TIM#SYSTEM:{channel_id}"),
        1 => channel_of(from, &format!("C2C{channel_id}")),
        2 => group_channel(channel_id),
        kind => format!("other:{kind}:{channel_id}"),
    };
    let message = Msg {
        seq: item["message_seq"].as_u64()?,
        id: item["message_idstr"].as_str()?.to_owned(),
        from: from.to_owned(),
    };
    Some((item["event_id"].as_u64()?, channel, message))
}

fn deletion(item: &Value) -> Result<Hook, String> {
    let read = || -> Option<Hook> {
        Some(Hook::Deleted {
            event_id: item["event_id"].as_u64()?,
            audit_id: item["id"].as_u64()?,
            uid: item["uid"].as_str()?.to_owned(),
            conversations: item["conversation_ids"]
                .as_array()?
                .iter()
                .map(|id| id.as_str().map(str::to_owned))
                .collect::<Option<_>>()?,
            clear: item["clear_history"].as_bool()?,
        })
    };
    read().ok_or_else(|| format!("a conversation.deleted item without its fields: {item}"))
}
