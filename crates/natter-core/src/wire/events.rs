//! The WebSocket (`GET /v1/ws`): the events the server pushes and the frames a client sends.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Conversation, DeletedExtensions, FollowListChange, GroupAttributesChanged, GroupCounter,
    GroupProfile, Message, MessageExtensions, MessageReactions, MessageReceipt, Profile,
    ReceiveOption, Topic, UserProfile, UserStatus,
};
use crate::error::{Error, Result};

/// A frame the server sends: `{"event": "<name>", "data": {…}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum ServerEvent {
    /// The answer to a ping. `connectionID` names this connection: a client that sends it back
    /// in the `X-Natter-Connection` header of its HTTP calls is left out of the
    /// `conversationDeleted` events its own deletions cause (its other tabs still get them).
    Pong {
        #[serde(
            rename = "connectionID",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        connection_id: Option<String>,
    },
    MessageReceived {
        #[serde(rename = "messageList")]
        message_list: Vec<Message>,
    },
    ConversationListUpdated {
        #[serde(rename = "conversationList")]
        conversation_list: Vec<Conversation>,
    },
    /// To the user's other devices, when the app's deletion sync is on.
    ConversationDeleted {
        #[serde(rename = "conversationIDList")]
        conversation_id_list: Vec<String>,
        #[serde(rename = "clearHistoryMessage")]
        clear_history_message: bool,
        /// The deletion's version. A conversation object of these conversations with a version
        /// at or below it is older than the deletion (pushes made through different nodes may
        /// arrive out of order): keep the conversation deleted.
        #[serde(default)]
        #[schema(required = true)]
        version: u64,
    },
    TotalUnreadMessageCountUpdated {
        #[serde(rename = "totalUnreadCount")]
        total_unread_count: u64,
        /// The user's version the total was taken at, as `GET /v1/unread` answers it: a total
        /// of a lower version than one already held is older (an answer and a push may cross).
        #[serde(default)]
        #[schema(required = true)]
        version: u64,
    },
    /// This connection fell behind and is being closed: sync since `version`.
    ResyncRequired { version: u64 },
    /// Messages were recalled: each is now a stub (`isRevoked`, empty payload).
    MessageRevoked {
        #[serde(rename = "messageList")]
        message_list: Vec<Message>,
    },
    /// A member changed messages (`POST /v1/messages/modify`): each as it now is. To every
    /// device of every member who can see them, the one who changed them included.
    MessageModified {
        #[serde(rename = "messageList")]
        message_list: Vec<Message>,
    },
    /// A member reacted to a message, or took a reaction back (`POST /v1/messages/reactions`,
    /// `/remove`): the reaction as it now is (`reactedByMyself` for the user it is sent to). To
    /// every device of every member who can see the message, the one who reacted included.
    MessageReactionsUpdated(MessageReactions),
    /// Someone gave read receipts for messages of the user's that asked for them
    /// (`POST /v1/messages/read-receipts`): each message's counts as they now are. To every
    /// device of the messages' sender.
    MessageReadReceiptReceived {
        /// The conversation, as the sender names it.
        #[serde(rename = "conversationID")]
        conversation_id: String,
        #[serde(rename = "receiptList")]
        receipt_list: Vec<MessageReceipt>,
        /// When the receipts were given, ms since the epoch.
        time: i64,
    },
    /// A member pinned a message at the top of a group, or unpinned one
    /// (`POST /v1/groups/{groupID}/pinned-messages`). To every device of every current member,
    /// the one who pinned it included.
    GroupPinnedMessageUpdated {
        #[serde(rename = "groupID")]
        group_id: String,
        /// Boxed: a message is many times the size of most events.
        message: Box<Message>,
        #[serde(rename = "isPinned")]
        is_pinned: bool,
        /// Who pinned or unpinned it.
        #[serde(rename = "operatorInfo")]
        operator_info: UserProfile,
    },
    /// A member set, raised or lowered a counter of a group (`POST /v1/groups/{groupID}/counters`,
    /// …): the counter as it now is, one event per counter. To every device of every current
    /// member.
    GroupCounterUpdated(GroupCounter),
    /// The user changed their option for all messages (`PUT /v1/receive-option`): the option
    /// as it now is, to every device of theirs.
    AllReceiveMessageOptUpdated(ReceiveOption),
    /// A follow or an unfollow changed the user's follow lists (`POST /v1/follows`,
    /// `/remove`): who, and which lists. To every device of both users.
    FollowListsUpdated {
        /// The other user, as lists show them.
        #[serde(rename = "userInfo")]
        user_info: UserProfile,
        #[serde(rename = "changeList")]
        change_list: Vec<FollowListChange>,
    },
    /// A member set extensions of a message (`POST /v1/messages/extensions`): the pairs set.
    /// To every device of every member who can see the message, the one who set them included.
    MessageExtensionsUpdated(MessageExtensions),
    /// A member deleted extensions of a message (`POST /v1/messages/extensions/delete`): the
    /// keys deleted. To every device of every member who can see the message.
    MessageExtensionsDeleted(DeletedExtensions),
    /// A member changed a group's attributes (`PUT`/`POST /v1/groups/{groupID}/attributes`,
    /// `/delete`): all of them as they now are, and which keys changed. To every device of every
    /// current member.
    GroupAttributesUpdated(GroupAttributesChanged),
    /// The user deleted these messages for themself on another device.
    MessagesDeleted {
        #[serde(rename = "conversationID")]
        conversation_id: String,
        #[serde(rename = "messageIDList")]
        message_id_list: Vec<String>,
    },
    /// The user's blocklist changed, on this device or another, or by the app backend: the
    /// whole list now, in the order blocked.
    BlacklistUpdated {
        #[serde(rename = "userIDList")]
        user_id_list: Vec<String>,
    },
    /// The user's friend list changed, on this device or another, or by another user's doing
    /// (they accepted a request, or added or deleted the user both ways): read it again
    /// (`GET /v1/friends`).
    FriendListUpdated {},
    /// The friend requests to or from the user changed: read them again
    /// (`GET /v1/friend-applications`).
    FriendApplicationListUpdated {},
    /// The user's friend groups changed, on this device or another: read them again
    /// (`GET /v1/friend-groups`).
    FriendGroupListUpdated {},
    /// Profiles shown in the user's list changed: people (their own included) or groups.
    ProfileUpdated {
        #[serde(rename = "userProfileList")]
        user_profile_list: Vec<Profile>,
        #[serde(rename = "groupProfileList")]
        group_profile_list: Vec<GroupProfile>,
    },
    /// Users' statuses changed: a user went online or offline, or chose another custom status.
    /// To every device of each user subscribed to them (`POST /v1/user-status/subscribe`), and
    /// of the user themself when they chose it.
    UserStatusUpdated {
        #[serde(rename = "userStatusList")]
        user_status_list: Vec<UserStatus>,
    },
    /// The community's owner or an admin created a topic (`POST /v1/groups/{groupID}/topics`).
    /// To every device of every current member of the community.
    TopicCreated {
        #[serde(rename = "groupID")]
        group_id: String,
        #[serde(rename = "topicID")]
        topic_id: String,
    },
    /// Topics of the community were deleted (`POST /v1/groups/{groupID}/topics/delete`). To
    /// every device of every current member of the community.
    TopicDeleted {
        #[serde(rename = "groupID")]
        group_id: String,
        #[serde(rename = "topicIDList")]
        topic_id_list: Vec<String>,
    },
    /// A topic's profile changed (`PATCH /v1/groups/{groupID}/topics/{topicID}`): the topic as
    /// it now is, without a conversation. To every device of every current member of the
    /// community.
    TopicUpdated {
        #[serde(rename = "groupID")]
        group_id: String,
        /// Boxed: a topic is many times the size of most events.
        topic: Box<Topic>,
    },
}

/// A frame a client sends.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum ClientEvent {
    Ping,
}

impl ClientEvent {
    /// Decodes a text frame from a client: a known event, or `None` for a well-formed event this
    /// server does not know (`{"event": "<name>", …}`), which the gateway ignores so that a
    /// newer client's events do not cut off an older server. Anything else (not JSON, not an
    /// object, no `event` name) is no client's event but a client's mistake: `invalid_argument`,
    /// saying what is wrong, and the gateway closes the connection with it.
    pub fn decode(text: &str) -> Result<Option<Self>> {
        let error = match serde_json::from_str(text) {
            Ok(event) => return Ok(Some(event)),
            Err(error) => error,
        };
        let named = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
            .is_ok_and(|frame| frame.get("event").is_some_and(serde_json::Value::is_string));
        if named {
            Ok(None)
        } else {
            Err(Error::invalid_argument(format!(
                "not a client event: {error}"
            )))
        }
    }
}
