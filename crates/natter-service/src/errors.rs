//! How the store's failures read to a client: the one place where they are worded.

use natter_core::friend_rules::AddRefusal;
use natter_core::limits::{MAX_GROUP_ATTRIBUTES, MAX_GROUP_ATTRIBUTES_BYTES};
use natter_core::{ConversationId, Error, ErrorKind};
use natter_store::{StoreError, Unavailable, UserRole};

/// The client-facing error for a store failure. Messages name the request field at fault where
/// the failure points at one, except a failure about a message: each API spells its message
/// IDs its own way, so [`describe_for_messages`] names that field.
pub(crate) fn describe(error: StoreError) -> Error {
    match error {
        StoreError::UnknownUser { uid, role } => {
            let field = match role {
                UserRole::Sender => "from_uid: sender",
                UserRole::Peer => "user",
                UserRole::Member => "subscribers: user",
                UserRole::NoticeRecipient => "uids: user",
                UserRole::ListOwner => "channel_id: user",
                UserRole::FirstMember => "memberList: user",
                UserRole::FriendTarget => "to: user",
                UserRole::FriendListOwner => "uid: user",
                UserRole::ImportedFriend => "friends: user",
            };
            Error::not_found(format!(
                "{field} \"{uid}\" does not exist (no token was ever issued for them)"
            ))
        }
        StoreError::UnknownGroup(group) => {
            Error::not_found(format!("group \"{group}\" does not exist"))
        }
        StoreError::NeverAMember { uid, group } => {
            Error::permission_denied(format!("{uid} was never a member of group \"{group}\""))
        }
        StoreError::NoSuchApplication { group, applicant } => Error::not_found(format!(
            "{applicant} has no request to join group \"{group}\" (answered already, or never made)"
        )),
        StoreError::FriendRefused {
            adder,
            target,
            refusal,
        } => match refusal {
            AddRefusal::AlreadyFriends => {
                Error::conflict(format!("{target} is in the friend list of {adder} already"))
            }
            AddRefusal::AdderBlocksTarget => Error::new(
                ErrorKind::InBlacklist,
                format!("{adder} blocks {target}: take them off the blocklist to add them"),
            ),
            AddRefusal::TargetBlocksAdder => Error::new(
                ErrorKind::InBlacklist,
                format!("{target} blocks {adder}, who cannot add them as a friend"),
            ),
            AddRefusal::TargetDeniesAll => Error::permission_denied(format!(
                "{target} takes no friend requests (allowType AllowType_Type_DenyAny)"
            )),
            AddRefusal::AdderForbidden => Error::permission_denied(format!(
                "the app forbids {adder} to send friend requests (adminForbidType \
                 AdminForbid_Type_SendOut); they may still accept others' requests"
            )),
        },
        StoreError::NotAFriend { uid, friend } => {
            Error::not_found(format!("{friend} is not in the friend list of {uid}"))
        }
        StoreError::NoSuchFriendRequest { from, to } => Error::not_found(format!(
            "{from} has no friend request to {to} (answered or deleted already, or never made)"
        )),
        StoreError::FriendGroupExists { uid, name } => {
            Error::conflict(format!("{uid} has a friend group named {name:?} already"))
        }
        StoreError::NoSuchFriendGroup { uid, name } => {
            Error::not_found(format!("{uid} has no friend group named {name:?}"))
        }
        StoreError::FriendGroupLimit { uid, limit } => Error::conflict(format!(
            "{uid} has {limit} friend groups, the most a user keeps; delete one first"
        )),
        StoreError::FriendLimit { uid, limit } => Error::conflict(format!(
            "the friend list of {uid} is full: it holds {limit} users"
        )),
        StoreError::NoLongerAMember { uid, group } => {
            Error::not_a_member(format!("{uid} is no longer a member of group \"{group}\""))
        }
        StoreError::GroupDismissed(group) => Error::not_a_member(format!(
            "group \"{group}\" was dismissed; its conversation is read-only"
        )),
        StoreError::AddingToDismissedGroup(group) => Error::conflict(format!(
            "group \"{group}\" was dismissed; create it again with POST /channel"
        )),
        // Named as each API names it: the client API's conversationID, the server API's
        // channel_id (with from_uid).
        StoreError::MessageToSelf(uid) => Error::invalid_conversation_id(format!(
            "{uid} cannot message themself: conversationID \"C2C{uid}\", or channel_id \"{uid}\" \
             with from_uid \"{uid}\", names the sender"
        )),
        StoreError::InBlacklist { uid, conversation } => Error::new(
            natter_core::ErrorKind::InBlacklist,
            match &conversation {
                ConversationId::C2c(peer) => {
                    format!("{peer} blocks {uid}: {uid} cannot message {peer} one-to-one")
                }
                _ => {
                    format!("{uid} is on the blacklist of \"{conversation}\" and cannot send to it")
                }
            },
        ),
        StoreError::Muted {
            uid,
            group,
            until_ms,
        } => Error::new(
            natter_core::ErrorKind::Muted,
            match until_ms {
                Some(until_ms) => format!(
                    "{uid} is muted in group \"{group}\" and cannot send to it until {} (Unix \
                     seconds); the owner or an admin unmutes",
                    u64::try_from(until_ms).unwrap_or(0).div_ceil(1000)
                ),
                None => format!(
                    "group \"{group}\" is muted for all: only its owner and admins send to it \
                     until one of them unmutes it"
                ),
            },
        ),
        StoreError::NotInWhitelist { uid, conversation } => Error::new(
            natter_core::ErrorKind::NotInWhitelist,
            format!(
                "\"{conversation}\" takes messages only from its whitelist, which does not \
                 hold {uid}"
            ),
        ),
        StoreError::SystemIsAppOnly => {
            Error::permission_denied("only the app backend can send to @TIM#SYSTEM")
        }
        // One wording for both APIs' spellings of the field.
        StoreError::ClientMsgNoReused { sender, number } => {
            let sender = match sender {
                Some(uid) => uid.to_string(),
                None => "the app backend (an empty from_uid)".to_owned(),
            };
            Error::conflict(format!(
                "clientMsgID/client_msg_no {number:?} was already used by {sender} for another \
                 conversation"
            ))
        }
        StoreError::NoSuchMessage(message_id) => {
            Error::not_found(format!("there is no message \"{message_id}\""))
        }
        StoreError::MessageNotInConversation {
            conversation,
            message_id,
        } => Error::invalid_argument(format!(
            "message \"{message_id}\" is not in conversation \"{conversation}\""
        )),
        StoreError::NotTheSender { uid, message_id } => Error::permission_denied(format!(
            "{uid} did not send message \"{message_id}\"; only its sender may recall it (the app \
             backend too) or learn who read it"
        )),
        StoreError::ModifiedMeanwhile(message) => Error::conflict(format!(
            "message \"{}\" was changed by another member: it is at version {}; read it again \
             and change that",
            message.id, message.version
        )),
        StoreError::RecalledMessage(message_id) => Error::conflict(format!(
            "message \"{message_id}\" was recalled; it cannot be changed"
        )),
        StoreError::AlreadyReacted {
            uid,
            message_id,
            reaction_id,
        } => Error::new(
            ErrorKind::AlreadyReacted,
            format!(
                "reactionID: {uid} reacted to message \"{message_id}\" with {reaction_id:?} already"
            ),
        ),
        StoreError::NotReacted {
            uid,
            message_id,
            reaction_id,
        } => Error::new(
            ErrorKind::NotReacted,
            format!(
                "reactionID: {uid} has no reaction {reaction_id:?} to message \"{message_id}\" to take back"
            ),
        ),
        StoreError::MemberFieldLimit { uid, group, limit } => Error::conflict(format!(
            "memberCustomField: {uid} would have more than {limit} custom fields in group \
             \"{group}\"; remove one by setting it to \"\""
        )),
        StoreError::BannedFromGroup {
            uid,
            group,
            until_ms,
        } => Error::permission_denied(format!(
            "{uid} was removed from group \"{group}\" and may not join it again until {} (Unix \
             seconds)",
            (until_ms + 999).div_euclid(1000)
        )),
        StoreError::TargetedNotInGroupType { group, group_type } => {
            Error::invalid_argument(format!(
                "receiverList: group \"{group}\" is a {group_type} group; targeted messages \
                 are not for AVChatRoom and Community groups"
            ))
        }
        StoreError::ReceiverNotAMember { uid, group } => Error::invalid_argument(format!(
            "receiverList: {uid} is not a member of group \"{group}\""
        )),
        StoreError::GroupFull { group, limit } => Error::new(
            ErrorKind::GroupFull,
            format!(
                "group \"{group}\" is full: it would have more than {limit} members, the most \
                 its creator allowed (maxMemberNum)"
            ),
        ),
        StoreError::FriendFieldLimit { uid, friend, limit } => Error::conflict(format!(
            "friendCustomField: {uid} would keep more than {limit} custom fields about {friend}; \
             remove one by setting it to \"\""
        )),
        StoreError::GroupFieldLimit { group, limit } => Error::conflict(format!(
            "groupCustomField: group \"{group}\" would have more than {limit} custom fields; \
             remove one by setting it to \"\""
        )),
        StoreError::ExtensionLimit { message_id, limit } => Error::conflict(format!(
            "extensionList: message \"{message_id}\" would have more than {limit} extensions, \
             the most it may have"
        )),
        StoreError::AttributeLimit { group } => Error::conflict(format!(
            "groupAttributes: group \"{group}\" would have more than {MAX_GROUP_ATTRIBUTES} \
             attributes, or more than {MAX_GROUP_ATTRIBUTES_BYTES} bytes of them"
        )),
        StoreError::CounterLimit { group, limit } => Error::conflict(format!(
            "counters: group \"{group}\" would have more than {limit} counters, the most it may \
             have"
        )),
        StoreError::CounterOverflow { group, key } => Error::invalid_argument(format!(
            "value: counter {key:?} of group \"{group}\" would leave the range of a 64-bit \
             signed integer"
        )),
        StoreError::PinnedMessageLimit { group, limit } => Error::new(
            ErrorKind::TooManyPinnedMessages,
            format!(
                "messageID: group \"{group}\" has {limit} pinned messages, the most it may have; \
                 unpin one first"
            ),
        ),
        StoreError::ReactionLimit { message_id, limit } => Error::new(
            ErrorKind::TooManyReactions,
            format!(
                "reactionID: message \"{message_id}\" has {limit} different reactions, the most it may have"
            ),
        ),
        StoreError::ReactionUserLimit {
            message_id,
            reaction_id,
            limit,
        } => Error::new(
            ErrorKind::TooManyReactionUsers,
            format!(
                "reactionID: {limit} users reacted to message \"{message_id}\" with {reaction_id:?}, the most one reaction may have"
            ),
        ),
        StoreError::PayloadNotModifiable { message_type } => Error::invalid_argument(format!(
            "payload: a {message_type} message's payload cannot be changed (only text, custom, \
             location and face messages'); its cloudCustomData can"
        )),
        StoreError::OtherMessageType {
            message_id,
            message_type,
            given,
        } => Error::invalid_argument(format!(
            "type: message \"{message_id}\" is a {message_type}, not a {given}"
        )),
        StoreError::RecallWindowPassed {
            message_id,
            window_ms,
        } => Error::new(
            natter_core::ErrorKind::RecallWindowPassed,
            format!(
                "message \"{message_id}\" was sent more than {} s ago; a sender recalls \
                 within {} s (the app backend can recall it at any time)",
                window_ms / 1000,
                window_ms / 1000
            ),
        ),
        StoreError::UnknownMessage {
            conversation,
            message_id,
        } => Error::not_found(format!(
            "nextReqMessageID: message \"{message_id}\" is not in conversation \"{conversation}\""
        )),
        StoreError::NotListed { uid, conversation } => Error::not_found(format!(
            "conversation \"{conversation}\" is not in {uid}'s list"
        )),
        StoreError::PinLimit { uid, limit } => Error::conflict(format!(
            "isPinned: {uid} already has {limit} pinned conversations, the most allowed; \
             unpin one first"
        )),
        StoreError::CustomFieldLimit { uid, limit } => Error::invalid_argument(format!(
            "customFields: {uid} would have more than {limit} custom fields"
        )),
        StoreError::TokenTaken => {
            Error::conflict("token: this token is already in use by another device; choose another")
        }
        StoreError::FolderExists { name, .. } => {
            Error::conflict(format!("groupName: folder {name:?} already exists"))
        }
        StoreError::RenameTargetExists { name, .. } => {
            Error::conflict(format!("newName: folder {name:?} already exists"))
        }
        StoreError::FolderLimit { uid, limit } => Error::conflict(format!(
            "groupName: {uid} already has {limit} folders, the most allowed"
        )),
        StoreError::UnknownFolder { uid, name } => {
            Error::not_found(format!("groupName: {uid} has no folder {name:?}"))
        }
        StoreError::UnknownRenameSource { uid, name } => {
            Error::not_found(format!("oldName: {uid} has no folder {name:?}"))
        }
        StoreError::NeverHadConversation { uid, conversation } => Error::not_found(format!(
            "{uid} never had the conversation \"{conversation}\""
        )),
        StoreError::NothingToRestore { uid, conversation } => Error::conflict(format!(
            "conversation \"{conversation}\" is in {uid}'s list; there is nothing to restore"
        )),
        StoreError::HistoryWasCleared { conversation, .. } => Error::conflict(format!(
            "conversation \"{conversation}\" was deleted with its history cleared; cleared \
             history cannot be recovered"
        )),
        StoreError::NoDeletionOnRecord { uid, conversation } => Error::not_found(format!(
            "no deletion of \"{conversation}\" by {uid} is on record"
        )),
        StoreError::Unavailable { reason, detail } => {
            let message = match reason {
                Unavailable::DiskFull => "the server's disk is full; retry later",
                Unavailable::Busy => "the database is busy; retry later",
                Unavailable::ReadOnly => "the database cannot be written; retry later",
                Unavailable::Unreachable => "the database cannot be reached; retry later",
                Unavailable::TooSlow => "the database did not answer in time; retry later",
                Unavailable::Closing => "the server is shutting down",
            };
            Error::unavailable(message, detail)
        }
        StoreError::GroupExists(group) => Error::conflict(format!(
            "groupID: group \"{group}\" already exists; choose another ID, or leave it out for \
             one the server makes"
        )),
        StoreError::UnknownTopic { community, topic } => Error::not_found(format!(
            "topicID: community \"{community}\" has no topic \"{topic}\""
        )),
        StoreError::TopicExists(topic) => Error::conflict(format!(
            "topicID: topic \"{topic}\" exists already (or did, and was deleted); choose another \
             ID, or leave it out for one the server makes"
        )),
        StoreError::NoTopics(group) => Error::invalid_argument(format!(
            "groupID: group \"{group}\" has no topics; only a Community created with \
             isSupportTopic has them"
        )),
        StoreError::TopicLimit { community, limit } => Error::conflict(format!(
            "community \"{community}\" has {limit} topics, the most it may have; delete one first"
        )),
        StoreError::TopicIdForGroup(group) => Error::invalid_argument(format!(
            "groupID: \"{group}\" holds @TOPIC#_, which names a community's topic; a group's own \
             ID cannot (topics are made with POST /v1/groups/{{groupID}}/topics)"
        )),
        StoreError::TopicMemberChange(topic) => Error::invalid_argument(format!(
            "groupID: \"{topic}\" is a topic: a member is only muted in it (muteTime); their \
             role, name card and custom fields are their community's, changed with the \
             community's ID"
        )),
        StoreError::TopicNotInList(conversation) => Error::invalid_argument(format!(
            "conversationID: \"{conversation}\" is a topic's conversation, which is never in the \
             conversation list: it takes reading, an unread count, clearing and a remind type, not \
             pins, drafts, archiving, marks or custom data"
        )),
        StoreError::RefusedByGroupRules(error) => error,
        StoreError::Internal(detail) => Error::internal(detail),
    }
}

/// As [`describe`], for work on the messages a request names in `field` (`messageID` and
/// `messageIDList` in the client API, `message_id` and `message_ids` in the server API): a
/// failure about one of them starts with that field, as the caller spelled it.
pub(crate) fn describe_for_messages(error: StoreError, field: &str) -> Error {
    let about_a_message = matches!(
        error,
        StoreError::NoSuchMessage(_)
            | StoreError::MessageNotInConversation { .. }
            | StoreError::NotTheSender { .. }
            | StoreError::RecallWindowPassed { .. }
            | StoreError::ModifiedMeanwhile(_)
            | StoreError::RecalledMessage(_)
    );
    let mut described = describe(error);
    if about_a_message {
        described.message = format!("{field}: {}", described.message);
    }
    described
}
