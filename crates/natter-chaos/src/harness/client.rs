//! The client side, written against the wire contract alone (the documented JSON, not the
//! server's Rust types), so the harness judges the server as any client would see it.

use std::time::Duration;

use natter_chaos::history::{Changes, Conv, Msg, Push};
use reqwest::Method;
use serde_json::Value;

/// How long a client waits for an answer. Longer than any pause the harness injects, so that
/// a request to a paused node is answered once it resumes rather than abandoned while it may
/// still take effect.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(40);

/// What an attempt got.
#[derive(Debug, Clone)]
pub enum Answer {
    Ok(Value),
    /// A definite refusal (4xx): nothing changed.
    Refused {
        status: u16,
        error: String,
    },
    /// No definite answer.
    Unknown(String),
}

#[derive(Debug, Clone)]
pub enum Auth {
    User(String),
    Manager(String),
}

/// One HTTP request.
pub struct Request<'a> {
    pub method: Method,
    pub path: String,
    pub auth: &'a Auth,
    pub body: Option<Value>,
    /// `X-Natter-Connection`.
    pub connection: Option<String>,
    /// Give up after this long (a client cut off mid-request), instead of [`ANSWER_WITHIN`].
    pub cut_off: Option<Duration>,
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
}

impl Http {
    pub fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(3))
                .pool_idle_timeout(Duration::from_secs(5))
                .build()
                .expect("an HTTP client"),
        }
    }

    pub async fn call(&self, base: &str, request: Request<'_>) -> Answer {
        let mut builder = self
            .client
            .request(request.method, format!("{base}{}", request.path))
            .timeout(request.cut_off.unwrap_or(ANSWER_WITHIN));
        builder = match request.auth {
            Auth::User(token) => builder.bearer_auth(token),
            Auth::Manager(token) => builder.header("token", token),
        };
        if let Some(connection) = &request.connection {
            builder = builder.header("X-Natter-Connection", connection);
        }
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(error) if request.cut_off.is_some() => {
                return Answer::Unknown(format!("cut off mid-request ({error})"));
            }
            Err(error) => return Answer::Unknown(format!("no answer: {error}")),
        };
        let status = response.status().as_u16();
        let text = match response.text().await {
            Ok(text) => text,
            Err(error) => return Answer::Unknown(format!("answer cut off: {error}")),
        };
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        match status {
            200..=299 => Answer::Ok(body),
            408 | 429 => Answer::Unknown(format!("{status}: {text}")),
            400..=499 => Answer::Refused {
                status,
                error: body["error"].as_str().unwrap_or("?").to_owned(),
            },
            _ => Answer::Unknown(format!(
                "{status} {}",
                body["message"].as_str().unwrap_or(&text)
            )),
        }
    }
}

pub fn message(value: &Value) -> Option<Msg> {
    Some(Msg {
        seq: value["seq"].as_u64()?,
        id: value["messageID"].as_str()?.to_owned(),
        from: value["from"].as_str()?.to_owned(),
    })
}

pub fn conversation(value: &Value) -> Option<Conv> {
    Some(Conv {
        id: value["conversationID"].as_str()?.to_owned(),
        version: value["version"].as_u64()?,
        unread: value["unreadCount"].as_u64()?,
        last_seq: value["lastMessage"]["seq"].as_u64(),
        archived: value["isArchived"].as_bool()?,
        cleared_to: value["clearedToSeq"].as_u64().unwrap_or(0),
    })
}

pub fn conversations(list: &Value) -> Vec<Conv> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(conversation)
        .collect()
}

pub fn changes(body: &Value) -> Option<Changes> {
    Some(Changes {
        conversations: conversations(&body["conversationList"]),
        deleted: body["deletedConversationIDList"]
            .as_array()?
            .iter()
            .filter_map(|id| id.as_str().map(str::to_owned))
            .collect(),
        version: body["version"].as_u64()?,
        reset_required: body["resetRequired"].as_bool().unwrap_or(false),
    })
}

/// A server frame: the pushes it holds (a `messageReceived` may hold several messages), or
/// the pong's connection ID.
pub enum Frame {
    Pong(Option<String>),
    Pushes(Vec<Push>),
    /// Something this client does not know (ignored, as the reference says).
    Other,
}

pub fn frame(text: &str) -> Frame {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return Frame::Other;
    };
    let data = &value["data"];
    match value["event"].as_str().unwrap_or("") {
        "pong" => Frame::Pong(data["connectionID"].as_str().map(str::to_owned)),
        "messageReceived" => Frame::Pushes(
            data["messageList"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|message_value| {
                    Some(Push::Message {
                        conversation: message_value["conversationID"].as_str()?.to_owned(),
                        message: message(message_value)?,
                    })
                })
                .collect(),
        ),
        "conversationListUpdated" => Frame::Pushes(vec![Push::Updated {
            conversations: conversations(&data["conversationList"]),
        }]),
        "conversationDeleted" => Frame::Pushes(vec![Push::Deleted {
            conversations: data["conversationIDList"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|id| id.as_str().map(str::to_owned))
                .collect(),
            clear: data["clearHistoryMessage"].as_bool().unwrap_or(true),
            version: data["version"].as_u64().unwrap_or(0),
        }]),
        "totalUnreadMessageCountUpdated" => Frame::Pushes(vec![Push::Total {
            total: data["totalUnreadCount"].as_u64().unwrap_or(0),
        }]),
        "resyncRequired" => Frame::Pushes(vec![Push::Resync {
            version: data["version"].as_u64().unwrap_or(0),
        }]),
        _ => Frame::Other,
    }
}
