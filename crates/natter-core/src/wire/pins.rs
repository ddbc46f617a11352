//! Messages pinned at the top of a group (Tencent's `pinGroupMessage`,
//! `getPinnedGroupMessageList`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Message, UserProfile};

/// Pin a message of the group, or unpin it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PinMessageRequest {
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// True to pin it, false to unpin it.
    pub is_pinned: bool,
}

/// A pinned message, with who pinned it (Tencent's `pinnerInfo`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PinnedMessage {
    pub message: Message,
    pub pinner_info: UserProfile,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PinnedMessageList {
    /// Oldest message first.
    pub message_list: Vec<PinnedMessage>,
}
