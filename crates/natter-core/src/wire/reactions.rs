//! Reactions to messages (Tencent's `addMessageReaction`, `getMessageReactions`, …).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::UserProfile;

/// Add a reaction to a message, or take one's own back.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReactionRequest {
    /// The conversation the message is in, as the user names it.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// Any string of 1–128 bytes the app gives its reactions (an emoji's name, as TUIKit's
    /// `[TUIEmoji_Smile]`).
    #[serde(rename = "reactionID")]
    pub reaction_id: String,
}

/// One reaction to a message, as Tencent's reaction object.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    #[serde(rename = "reactionID")]
    pub reaction_id: String,
    /// How many users reacted so (0 once the last took theirs back).
    pub total_user_count: u64,
    /// The first of them (up to 10, or what was asked), first to react first.
    pub partial_user_list: Vec<UserProfile>,
    /// Whether the user this is for is one of them.
    pub reacted_by_myself: bool,
}

/// A message's reactions: every one in an answer to a question about the message, the changed
/// one in an answer to a change or in `messageReactionsUpdated`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageReactions {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// In the order each reaction was first made.
    pub reaction_list: Vec<Reaction>,
    /// How many times the message's reactions have changed: pushes may arrive out of order
    /// (two members reacting at once, a cluster's nodes), so a device keeps what it holds when
    /// it hears of a version at or below it.
    pub version: u64,
}

/// The reactions to some messages of one conversation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageReactionsRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// 1–20 messages.
    #[serde(rename = "messageIDList")]
    pub message_id_list: Vec<String>,
    /// The users to give of each reaction, 0–10 (default 10), as Tencent's.
    #[serde(default)]
    pub max_user_count_per_reaction: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageReactionsList {
    /// One entry per message asked about, in that order; a message the user cannot see has no
    /// reactions.
    pub result_list: Vec<MessageReactions>,
}

/// One page of the users who reacted to a message so.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReactionUsersRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    #[serde(rename = "reactionID")]
    pub reaction_id: String,
    /// Where the page starts: 0 for the first, then the `nextSeq` of the page before.
    #[serde(default)]
    pub next_seq: u64,
    /// Users on the page, 1–100 (default 100).
    #[serde(default)]
    pub count: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReactionUsers {
    pub user_list: Vec<UserProfile>,
    /// Where the next page starts; 0 once this was the last.
    pub next_seq: u64,
    pub is_completed: bool,
}
