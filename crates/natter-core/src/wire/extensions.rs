//! Message extensions (Tencent's `setMessageExtensions`, `getMessageExtensions`,
//! `deleteMessageExtensions`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One key-value pair attached to a message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct MessageExtension {
    /// 1–100 bytes.
    pub key: String,
    /// Up to 1,024 bytes.
    pub value: String,
}

/// The message a call is about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExtensionsRequest {
    /// The conversation the message is in, as the user names it.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
}

/// Set extensions of a message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetExtensionsRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// 1–20 pairs, each key once.
    pub extension_list: Vec<MessageExtension>,
}

/// Delete extensions of a message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteExtensionsRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// 1–20 keys; every key of the message when left out.
    #[serde(default)]
    pub key_list: Option<Vec<String>>,
}

/// Extensions of a message: all of them in an answer to a question, those set in an answer to
/// a change and in `messageExtensionsUpdated`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageExtensions {
    /// As the user this is for names it.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// By key.
    pub extension_list: Vec<MessageExtension>,
}

/// Extensions deleted from a message: the answer to a deletion, and
/// `messageExtensionsDeleted`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletedExtensions {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// The keys deleted; those the message lacked are left out.
    pub key_list: Vec<String>,
}
