//! Read receipts of single messages (Tencent's `needReadReceipt`, `sendMessageReadReceipt`,
//! `getMessageReadReceiptList`, `getGroupMessageReadMemberList`). A sender asks for them when
//! sending; a reader gives them for the messages they have seen; the sender learns how many
//! have read each message, and who.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Messages of one conversation, by ID: the reader's receipts for them, or the sender's
/// question about them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MessageReceiptsRequest {
    /// The conversation the messages are in, as the user names it.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// 1–100 messages.
    #[serde(rename = "messageIDList")]
    pub message_id_list: Vec<String>,
}

/// How far one message that asked for read receipts has been read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageReceipt {
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// How many users gave a receipt for it (in a one-to-one conversation 0 or 1: whether the
    /// peer read it).
    pub read_count: u64,
    /// How many of the users it was sent to have not: in a group, the current members who
    /// joined before it was sent, other than its sender, without a receipt.
    pub unread_count: u64,
}

/// The receipts of some of the user's own messages in one conversation: in an answer, one
/// entry per message asked about that asked for receipts; in `messageReadReceipts`, the
/// messages whose counts just changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageReceiptList {
    /// The conversation, as the user this is for names it.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    pub receipt_list: Vec<MessageReceipt>,
}

/// Which side of a message's readers to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ReceiptFilter {
    /// The users who gave a receipt (Tencent's filter 0).
    #[default]
    Read,
    /// The members it counts as unread for (Tencent's filter 1).
    Unread,
}

/// One page of the members who read a group message of the user's, or have not.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptMembersRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    #[serde(default)]
    pub filter: ReceiptFilter,
    /// Where the page starts: empty or left out for the first page, else the `cursor` of the
    /// page before.
    #[serde(default)]
    pub cursor: Option<String>,
    /// 1–100 users (default 100).
    #[serde(default)]
    pub count: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptMembers {
    /// In user ID order.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
    /// Where the next page starts; empty on the last page.
    pub cursor: String,
    pub is_completed: bool,
}
