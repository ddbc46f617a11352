//! Limits that are part of the contract (docs/api-reference.md, "Limits"). Configurable limits
//! live in the server's config; these are fixed because clients rely on them.

/// A uid or group ID is at most this many characters.
pub const MAX_ID_LEN: usize = 64;
/// Conversations in one delete, archive or restore call.
pub const MAX_CONVERSATIONS_PER_CALL: usize = 100;
/// A message payload, measured as its compact JSON encoding.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// A client message number (`client_msg_no` / `clientMsgID`).
pub const MAX_CLIENT_MSG_NO_LEN: usize = 128;
/// Page sizes for lists and history.
pub const MAX_PAGE_SIZE: u32 = 100;
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// A device token given to `/user/token`.
pub const MIN_TOKEN_LEN: usize = 8;
pub const MAX_TOKEN_LEN: usize = 256;
/// Pinned conversations per user.
pub const MAX_PINNED: usize = 50;
/// Conversation folders ("conversation groups") per user, and the length of their names.
pub const MAX_FOLDERS: usize = 20;
pub const MAX_FOLDER_NAME_BYTES: usize = 32;
/// A message's `cloudCustomData`.
pub const MAX_CLOUD_CUSTOM_DATA_BYTES: usize = 8 * 1024;
/// A conversation's custom data.
pub const MAX_CUSTOM_DATA_BYTES: usize = 256;
/// A conversation's draft.
pub const MAX_DRAFT_BYTES: usize = 16 * 1024;
/// Messages one delete-for-me call may take.
pub const MAX_MESSAGES_PER_DELETE: usize = 30;
/// A user's nick and a group's name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// An avatar URL, in bytes.
pub const MAX_AVATAR_BYTES: usize = 1024;
/// A user's custom profile fields: how many, and the size of each key and value in bytes.
pub const MAX_CUSTOM_FIELDS: usize = 20;
pub const MAX_CUSTOM_FIELD_KEY_BYTES: usize = 32;
pub const MAX_CUSTOM_FIELD_VALUE_BYTES: usize = 512;
/// A group's notice, in bytes.
pub const MAX_GROUP_NOTICE_BYTES: usize = 4096;
/// A group's introduction, in bytes.
pub const MAX_GROUP_INTRODUCTION_BYTES: usize = 4096;
/// Topics one community has at once (Tencent's default), and a topic's `customData`, in bytes.
pub const MAX_TOPICS_PER_COMMUNITY: usize = 100;
pub const MAX_TOPIC_CUSTOM_DATA_BYTES: usize = 3000;
/// What a request to join a group, or its answer, says, in bytes.
pub const MAX_JOIN_REQUEST_MESSAGE_BYTES: usize = 1024;
/// A group member's name card, in bytes: Tencent's limit.
pub const MAX_NAME_CARD_BYTES: usize = 50;
/// How many users one friend list holds: Tencent's default limit.
pub const MAX_FRIENDS: usize = 3000;
/// The name a user gives a friend, in bytes: Tencent's limit.
pub const MAX_FRIEND_REMARK_BYTES: usize = 96;
/// The note sent with a friend request, in bytes: Tencent's limit.
pub const MAX_FRIEND_WORDING_BYTES: usize = 256;
/// The keyword after `AddSource_Type_` in a friend request's source, in bytes: Tencent's limit.
pub const MAX_FRIEND_SOURCE_KEYWORD_BYTES: usize = 8;
/// How many friend groups a user keeps: Tencent's limit.
pub const MAX_FRIEND_GROUPS: usize = 32;
/// A friend group's name, in bytes: Tencent's limit.
pub const MAX_FRIEND_GROUP_NAME_BYTES: usize = 30;
/// A reaction's ID (an emoji's name, `[TUIEmoji_Smile]`), in bytes.
pub const MAX_REACTION_ID_BYTES: usize = 128;
/// Different reactions to one message.
pub const MAX_REACTIONS_PER_MESSAGE: usize = 20;
/// Users who react to one message with one reaction.
pub const MAX_USERS_PER_REACTION: usize = 1000;
/// Messages one `getMessageReactions` call may ask about, and the users it gives of each
/// reaction at most: Tencent's limits.
pub const MAX_MESSAGES_PER_REACTION_CALL: usize = 20;
pub const MAX_USERS_PER_REACTION_SUMMARY: usize = 10;
/// A page of one reaction's users (`getAllUserListOfMessageReaction`): Tencent's limit.
pub const MAX_REACTION_USERS_PER_PAGE: usize = 100;
/// Messages pinned at the top of one group: Tencent's limit.
pub const MAX_PINNED_MESSAGES_PER_GROUP: usize = 10;
/// Users one user follows at most, users one follow or unfollow names, users one question
/// about follows names, and a page of a follow list: Tencent's limits.
pub const MAX_FOLLOWING: usize = 5000;
pub const MAX_USERS_PER_FOLLOW_CALL: usize = 20;
pub const MAX_USERS_PER_FOLLOW_QUESTION: usize = 100;
pub const MAX_FOLLOWS_PER_PAGE: usize = 500;
/// Message extensions: keys per message, keys one call sets, a key's and a value's bytes
/// (Tencent's limits).
pub const MAX_EXTENSIONS_PER_MESSAGE: usize = 300;
pub const MAX_EXTENSIONS_PER_CALL: usize = 20;
pub const MAX_EXTENSION_KEY_BYTES: usize = 100;
pub const MAX_EXTENSION_VALUE_BYTES: usize = 1024;
/// A group's attributes: keys, a key's and a value's bytes, and all keys and values together
/// (Tencent's limits).
pub const MAX_GROUP_ATTRIBUTES: usize = 16;
pub const MAX_GROUP_ATTRIBUTE_KEY_BYTES: usize = 32;
pub const MAX_GROUP_ATTRIBUTE_VALUE_BYTES: usize = 4096;
pub const MAX_GROUP_ATTRIBUTES_BYTES: usize = 16 * 1024;
/// A message's push (`offlinePushInfo`): its title and text, and its app data, in bytes.
pub const MAX_PUSH_TEXT_BYTES: usize = 1024;
pub const MAX_PUSH_EXTENSION_BYTES: usize = 8 * 1024;
/// Counters of one group, and a counter's key in bytes: Tencent's limits.
pub const MAX_COUNTERS_PER_GROUP: usize = 20;
pub const MAX_COUNTER_KEY_BYTES: usize = 128;
/// Messages one read receipt call gives receipts for or asks about.
pub const MAX_MESSAGES_PER_RECEIPT_CALL: usize = 100;
/// A page of a message's readers (`getGroupMessageReadMemberList`): Tencent's limit.
pub const MAX_RECEIPT_MEMBERS_PER_PAGE: usize = 100;
/// How long one call may mute a group member for, in seconds: Tencent's limit (a `uint32`,
/// about 136 years).
pub const MAX_MUTE_SECS: u64 = u32::MAX as u64;
/// Members one `getGroupMemberProfile` call may name: Tencent's limit.
pub const MAX_MEMBERS_PER_PROFILE_CALL: usize = 50;
/// Users one client call may add to or remove from a group, or start a group with: Tencent's
/// limit for `createGroup` and `addGroupMember`.
pub const MAX_GROUP_MEMBERS_PER_CALL: usize = 500;
/// The largest `maxMemberNum` a group may be created with (Tencent's communities hold up to
/// 100,000 members).
pub const MAX_GROUP_MEMBER_LIMIT: u64 = 100_000;
/// A page of a group's members (`GET /v1/groups/{groupID}/members`): Tencent's limit and
/// default for `getGroupMemberList`.
pub const MAX_MEMBERS_PER_PAGE: u64 = 100;
pub const DEFAULT_MEMBERS_PER_PAGE: u64 = 15;
/// Entries of one message's `atUserList` (users it mentions, and everyone). Tencent documents no
/// limit; this keeps a message's mention rows bounded.
pub const MAX_MENTIONS: usize = 1000;
/// Users one system notice may go to.
pub const MAX_NOTICE_RECIPIENTS: usize = 100;

/// Refuses text holding U+0000: PostgreSQL cannot store it in a text column, so neither
/// database takes it and both answer alike (400 naming the field).
pub fn refuse_nul(field: &str, text: &str) -> crate::Result<()> {
    if text.contains('\0') {
        return Err(crate::Error::invalid_argument(format!(
            "{field}: contains the character U+0000, which cannot be stored"
        )));
    }
    Ok(())
}
/// Uids per call of the blacklist and whitelist routes, and per `/message/sendbatch`.
pub const MAX_UIDS_PER_CALL: usize = 1000;
/// The status a user chooses to show (Tencent's `customStatus`).
pub const MAX_CUSTOM_STATUS_BYTES: usize = 100;
/// Users one `getUserStatus` may ask about, and one `subscribeUserStatus` subscribe to, as
/// Tencent's.
pub const MAX_USERS_PER_STATUS_QUERY: usize = 500;
pub const MAX_USERS_PER_STATUS_SUBSCRIBE: usize = 100;
/// Subscriptions a user keeps: past this the oldest go, as Tencent's.
pub const MAX_STATUS_SUBSCRIPTIONS: usize = 200;
