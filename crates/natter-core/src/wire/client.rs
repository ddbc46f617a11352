//! The client API (`/v1/...`): devices, with the client SDK's camelCase names.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    #[serde(rename = "messageID")]
    pub message_id: String,
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    pub seq: u64,
    pub from: String,
    /// Server time, ms since the epoch.
    pub time: i64,
    /// The element type (`TIMTextElem`, `TIMCustomElem`, …), as Tencent's SDKs name it.
    #[serde(rename = "type")]
    pub message_type: String,
    #[schema(value_type = Object)]
    pub payload: Value,
    #[serde(rename = "clientMsgID")]
    #[schema(required = true)]
    pub client_msg_id: Option<String>,
    /// App data that travels with the message.
    pub cloud_custom_data: String,
    /// Recalled: the payload is gone (`{}`) and `revoker` says who recalled it.
    pub is_revoked: bool,
    #[schema(required = true)]
    pub revoker: Option<String>,
    /// The sender's profile as it is now.
    pub nick: String,
    pub avatar: String,
    /// A silent message (sent with WuKongIM's `red_dot` 0): it counts as unread for no one.
    /// Tencent's SDKs name it so; present only when true. WuKongIM clients get its RECV without
    /// the red dot, which is why pushes carry it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_excluded_from_unread_count: bool,
    /// How many times members changed it since it was sent (`POST /v1/messages/modify`); left
    /// out while it was never changed. A change names the version it was made on.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub version: u64,
    /// Its sender asks each reader for a read receipt (Tencent's `needReadReceipt`; readers
    /// give them with `POST /v1/messages/read-receipts`). Present only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub need_read_receipt: bool,
    /// How many users gave a read receipt for it, for a message that asks for them (in a
    /// one-to-one conversation, 1 once the peer did); left out while none did.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub read_count: u64,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LastMessage {
    #[serde(rename = "messageID")]
    pub message_id: String,
    pub seq: u64,
    pub from: String,
    pub time: i64,
    #[serde(rename = "type")]
    pub message_type: String,
    #[schema(value_type = Object)]
    pub payload: Value,
    pub cloud_custom_data: String,
    pub is_revoked: bool,
    #[schema(required = true)]
    pub revoker: Option<String>,
    /// The sender's nick as it is now.
    pub nick: String,
}

/// Who a one-to-one conversation is with, as a list shows them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub nick: String,
    pub avatar: String,
}

/// Which group a group conversation is, as a list shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupProfile {
    #[serde(rename = "groupID")]
    pub group_id: String,
    pub name: String,
    pub avatar: String,
    /// Tencent's group type: `Private` (a work group, the default), `Public`, `ChatRoom`,
    /// `AVChatRoom` or `Community`.
    #[serde(rename = "type")]
    pub group_type: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub unread_count: u64,
    #[schema(required = true)]
    pub last_message: Option<LastMessage>,
    /// The user cleared their history up to this seq (by a deletion that cleared it, or
    /// `clearHistory`); 0 when never. A device drops the messages it holds at or below it, also
    /// when it missed the deletion or clear that did it (it was offline, or the conversation
    /// came back with a new message before it synced).
    #[serde(default)]
    #[schema(required = true)]
    pub cleared_to_seq: u64,
    /// The read receipt of a one-to-one conversation: the peer has read up to this seq, so the
    /// user's own messages at or below it are read. 0 for a group or the system conversation.
    /// When the peer reads, the conversation takes a new version and is pushed
    /// (`conversationListUpdated`), so devices learn it live and by sync.
    #[serde(default)]
    #[schema(required = true)]
    pub peer_read_seq: u64,
    pub is_pinned: bool,
    pub is_archived: bool,
    pub message_remind_type: String,
    pub mark_list: Vec<u64>,
    pub conversation_group_list: Vec<String>,
    pub draft_text: String,
    pub custom_data: String,
    pub version: u64,
    /// The peer, for a one-to-one conversation.
    #[schema(required = true)]
    pub user_profile: Option<UserProfile>,
    /// The group, for a group conversation.
    #[schema(required = true)]
    pub group_profile: Option<GroupProfile>,
    /// The unread messages of a group conversation that mention the user ("@"), oldest
    /// first: empty when none (always, outside groups). Left out only of the conversations
    /// pushed with a new message (`conversationListUpdated` after `messageReceived`), whose
    /// members share one copy: a device then adds that message's mention, if it names them or
    /// everyone, to what it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_at_info_list: Option<Vec<GroupAtInfo>>,
}

/// One unread message that mentions the user, as Tencent's `groupAtInfoList` lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupAtInfo {
    /// The message's seq.
    pub seq: u64,
    /// Its sender.
    pub from: String,
    /// Tencent's `CONV_AT_ME` (1: it names the user), `CONV_AT_ALL` (2: everyone) or
    /// `CONV_AT_ALL_AT_ME` (3: both).
    pub at_type: u8,
}

/// The payload of a group tip (`TIMGroupTipElem`), the message the server writes into a group
/// when a member changes it from a client: someone joins, quits or is removed, or its profile or
/// owner changes. As Tencent's, so that TUIKit shows it ("bob joined the group") and keeps its
/// member list by it. Only the server writes tips: a client sending this type is refused.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupTipPayload {
    /// Tencent's `GRP_TIP_MBR_JOIN` (1), `GRP_TIP_MBR_QUIT` (2), `GRP_TIP_MBR_KICKED_OUT` (3),
    /// `GRP_TIP_MBR_SET_ADMIN` (4), `GRP_TIP_MBR_CANCELED_ADMIN` (5),
    /// `GRP_TIP_GRP_PROFILE_UPDATED` (6) or `GRP_TIP_MBR_PROFILE_UPDATED` (7, a mute).
    pub operation_type: u8,
    /// The member who made the change (who joined or quit by themself, added or removed the
    /// others, or changed the profile); the tip's `from` too.
    #[serde(rename = "operatorID")]
    pub operator_id: String,
    /// Whom it is about: those who joined, quit, were removed, named or unnamed admins, or
    /// muted; the operator for a profile change.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
    /// Their profiles at the time (the new owner's, for a change of owner): TUIKit names them by
    /// these.
    pub member_list: Vec<GroupTipMember>,
    /// The changed fields of the profile, and nothing else (profile changes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_group_profile: Option<NewGroupProfile>,
    /// The group's member count after the change.
    pub member_count: u64,
}

/// A user a group tip is about.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct GroupTipMember {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub nick: String,
    pub avatar: String,
    /// A mute tip's (7) seconds the member is muted for; 0 when unmuted.
    #[serde(rename = "muteTime", default, skip_serializing_if = "Option::is_none")]
    pub mute_time: Option<u64>,
}

/// What a group profile change set, by Tencent's names in the order Tencent's UI reads them
/// (TUIKit words the first one present).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewGroupProfile {
    #[serde(rename = "ownerID", default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_option: Option<String>,
    /// Everyone but the owner and admins muted (`true`) or no longer (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute_all_members: Option<bool>,
    /// The custom fields that changed, with their new values (`""`: removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_custom_field: Option<Vec<CustomField>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendMessageRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// The element type; `TIMCustomElem` when left out.
    #[serde(rename = "type", default)]
    pub message_type: Option<String>,
    #[schema(value_type = Object)]
    pub payload: Value,
    #[serde(rename = "clientMsgID", default)]
    pub client_msg_id: Option<String>,
    #[serde(default)]
    pub cloud_custom_data: Option<String>,
    /// Pushed to the members' connected devices only: not stored, not counted as unread, not in
    /// history or sync, and never a conversation's last message; the answer's message has seq 0
    /// (Tencent's `onlineUserOnly`, which TUIKit's typing indicator sends).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub online_user_only: bool,
    /// Ask each reader for a read receipt (Tencent's `needReadReceipt`): the sender's devices
    /// hear `messageReadReceiptReceived` as readers give theirs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub need_read_receipt: bool,
    /// Counts as unread for no one (Tencent's `messageControlInfo.excludedFromUnreadCount`,
    /// WuKongIM's `red_dot` 0): members get it as any other, with `isExcludedFromUnreadCount`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub excluded_from_unread_count: bool,
    /// Never the conversation's last message, nor moving it up the list (Tencent's
    /// `messageControlInfo.excludedFromLastMessage`, as its call invitations are sent): the
    /// list shows the newest message before it. History has it as any other.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub excluded_from_last_message: bool,
    /// How the message is pushed to members who are offline (Tencent's `offlinePushInfo`):
    /// carried to the app backend in `msg.offline`, which sends the push.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_push_info: Option<OfflinePushInfo>,
    /// A targeted group message (Tencent's `receiverList`): only these current members (up to
    /// 50) and the sender get it and see it, and it counts as unread for no one. Not in
    /// audio-video rooms and communities, not with mentions or `needReadReceipt`. Left out or
    /// empty: every member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver_list: Option<Vec<String>>,
}

/// A message's offline push, as the sender wants it (Tencent's `offlinePushInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfflinePushInfo {
    /// No push at all: the message makes no `msg.offline`.
    #[serde(default)]
    pub disable_push: bool,
    /// The push's title, up to 1 KiB.
    #[serde(default)]
    pub title: String,
    /// The push's text, up to 1 KiB.
    #[serde(default)]
    pub description: String,
    /// App data the push carries (Tencent's `extension`), up to 8 KiB.
    #[serde(default)]
    pub extension: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SendMessageResponse {
    pub message: Message,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationListResponse {
    pub conversation_list: Vec<Conversation>,
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    pub is_finished: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeleteConversationsRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    /// Defaults to true, as in the client SDK.
    #[serde(rename = "clearHistoryMessage", default)]
    pub clear_history_message: Option<bool>,
    /// True: the conversations named that are not in the list are left as they are, their
    /// history too, as Tencent's SDK deletes only the conversations it holds (the client SDK
    /// sends true). Default false: clearing history clears theirs as well.
    #[serde(rename = "onlyListed", default)]
    pub only_listed: bool,
}

/// An answer with nothing more to say than that the call succeeded.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct Empty {}

/// The folder a folder call acted on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupNameResult {
    pub group_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConversationIdList {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
}

/// The answer to `POST /v1/conversations/delete`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeleteConversationsResponse {
    /// The IDs as given, without repeats (first occurrence kept), in the given order.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    /// Those of them that were in the user's list (archived ones too) and left it with this
    /// call, in the given order; the others were not in it. Tencent's SDK answers with these
    /// (and rejects a call that found none).
    #[serde(rename = "removedConversationIDList", default)]
    #[schema(required = true)]
    pub removed_conversation_id_list: Vec<String>,
    /// The user's version once the deletion is made. A conversation object of these
    /// conversations with a version at or below it is older than the deletion (a push still on
    /// its way): the deleting device, which gets no `conversationDeleted`, keeps them deleted.
    #[serde(default)]
    #[schema(required = true)]
    pub version: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageListResponse {
    pub message_list: Vec<Message>,
    pub is_completed: bool,
    /// The oldest message of this page: pass it back to get the page before it (`""` when
    /// the page is empty).
    #[serde(rename = "nextReqMessageID")]
    pub next_req_message_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ReadRequest {
    #[serde(default)]
    pub seq: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TotalUnread {
    pub total_unread_count: u64,
    /// The user's version the total was taken at. An answer and a push may arrive in either
    /// order: keep the total of the higher version.
    pub version: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncResponse {
    /// Conversations changed since the version, and those whose peer's or group's profile
    /// changed since the profile version.
    pub conversation_list: Vec<Conversation>,
    #[serde(rename = "deletedConversationIDList")]
    pub deleted_conversation_id_list: Vec<String>,
    /// Messages recalled, or deleted by this user for themself, since the version.
    pub message_change_list: Vec<MessageChange>,
    /// Pass it back as `since`.
    pub version: u64,
    /// Pass it back as `profileSince`.
    pub profile_version: u64,
    pub reset_required: bool,
}

/// What became of a message the device may have cached.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageChange {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    pub seq: u64,
    /// `revoked` (every member sees a stub), `deleted` (this user deleted it for themself) or
    /// `modified` (a member changed it).
    #[schema(example = "revoked")]
    pub change: String,
    /// For `modified`: the message as it now is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

/// `POST /v1/messages/modify`: a member changes a message of the conversation (Tencent's
/// `modifyMessage`): its payload, its custom data, or both.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"conversationID": "GROUPteam-1", "messageID": "42", "version": 0,
    "type": "TIMTextElem", "payload": {"text": "Stand-up at 9:30"}}))]
pub struct ModifyMessageRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// The message's `version` as the member last read it (0 if never changed): a change made
    /// since refuses this one (409 `conflict`).
    pub version: u64,
    /// The message's type, with `payload`: a new payload of that type's shape.
    #[serde(rename = "type", default)]
    pub message_type: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub payload: Option<Value>,
    #[serde(default)]
    pub cloud_custom_data: Option<String>,
}

/// `POST /v1/messages/revoke`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"conversationID": "C2Cbob", "messageID": "42"}))]
pub struct RevokeMessageRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageID")]
    pub message_id: String,
}

/// `POST /v1/messages/delete`: up to 30 messages of one conversation, for this user only.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"conversationID": "C2Cbob", "messageIDList": ["41", "42"]}))]
pub struct DeleteMessagesRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(rename = "messageIDList")]
    pub message_id_list: Vec<String>,
}

/// The messages a delete-for-me removed from the user's view.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct MessageIdList {
    #[serde(rename = "messageIDList")]
    pub message_id_list: Vec<String>,
}

/// The users a user blocks (Tencent's blocklist), in the order blocked: the answer of
/// `GET /v1/blacklist` and of its changes; and the body of those changes, `POST /v1/blacklist`
/// and `POST /v1/blacklist/remove`: 1–1000 users to block or unblock.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"userIDList": ["mallory"]}))]
pub struct Blacklist {
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
}

/// `POST /v1/profiles`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProfilesRequest {
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
}

/// A user's profile (Tencent's `Profile`, with the fields Natter keeps).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub nick: String,
    pub avatar: String,
    /// The app's own fields.
    pub custom_fields: std::collections::BTreeMap<String, String>,
    /// Who may add the user as a friend.
    pub allow_type: crate::friend_rules::AllowType,
    /// Tencent's standard fields: gender, birthday, location, signature, language, level, role,
    /// and whether the app backend forbids the user to send friend requests (`adminForbidType`).
    #[serde(flatten)]
    pub details: crate::profile::ProfileDetails,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileList {
    pub profile_list: Vec<Profile>,
}

/// A group as its members see it (Tencent's `Group`, with the fields Natter keeps).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    #[serde(rename = "groupID")]
    pub group_id: String,
    pub name: String,
    pub avatar: String,
    /// `Private` (a work group), `Public`, `ChatRoom`, `AVChatRoom` or `Community`.
    #[serde(rename = "type")]
    pub group_type: String,
    /// The group's notice (Tencent's `notification`).
    pub notification: String,
    pub introduction: String,
    /// The user who created the group from a client; `""` for a group the app backend made,
    /// or once the owner has left their work group.
    #[serde(rename = "ownerID")]
    pub owner_id: String,
    /// How the group takes users who ask to join: `FreeAccess`, `NeedPermission` (the owner or
    /// an admin approves each request) or `DisableApply`.
    pub join_option: String,
    /// Only the owner and the admins may send (Tencent's `muteAllMembers`).
    pub mute_all_members: bool,
    pub member_count: u64,
    /// The most members it may have, as its creator set it (Tencent's `maxMemberCount`); 0 for
    /// no limit.
    pub max_member_count: u64,
    /// A community that has topics (Tencent's `isSupportTopic`; `/v1/groups/{groupID}/topics`).
    pub is_support_topic: bool,
    /// Dismissed: its conversations are read-only.
    pub is_dismissed: bool,
    /// The asking user's role in the group: `Owner`, `Admin`, `Member`, or `""` when they are
    /// not a member (Tencent's `selfInfo.role`).
    pub self_role: String,
    /// The asking member's own name card in the group (Tencent's `selfInfo.nameCard`): `""` when
    /// they have none or are not a member.
    pub self_name_card: String,
    /// When the asking member joined the group, in Unix seconds (Tencent's `selfInfo.joinTime`):
    /// 0 when they are not a member, or joined before the server kept it.
    #[serde(default)]
    pub self_join_time: u64,
    /// The group's custom fields, by key (Tencent's `groupCustomField`).
    pub group_custom_field: Vec<CustomField>,
}

/// A user a new group starts with (Tencent's `memberList` item).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewGroupMember {
    #[serde(rename = "userID")]
    pub user_id: String,
    /// `Member` (the default) or `Admin`; a work group has no admins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Their custom fields in the group from the start (20 at most; an empty value sets nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_custom_field: Option<Vec<CustomField>>,
}

/// `POST /v1/groups`: a user creates a group and becomes its owner (Tencent's `createGroup`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Weekend hike", "type": "Private", "memberList": [{"userID": "bob"}]}))]
pub struct CreateGroup {
    /// Left out, the server makes one (`@TGS#` and ten letters or digits, as Tencent's).
    #[serde(rename = "groupID", default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    pub name: String,
    /// `Private` (a work group, the default), `Public`, `ChatRoom` (a meeting group),
    /// `AVChatRoom` (an audio-video room, which starts with its creator alone) or `Community`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub group_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<String>,
    /// `FreeAccess`, `NeedPermission` or `DisableApply`; the type's default when left out.
    /// A work group's is always `DisableApply`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_option: Option<String>,
    /// Who else is in the group from the start (at most 500); the creator always is.
    #[serde(default)]
    pub member_list: Vec<NewGroupMember>,
    /// The group's custom fields (Tencent's `groupCustomField`): 20 at most; an empty value
    /// sets nothing.
    #[serde(default)]
    pub group_custom_field: Vec<CustomField>,
    /// The most members it may have, 1 to 100,000 (Tencent's `maxMemberNum`); no limit when
    /// left out. Adding or admitting members past it from a client answers 409 `group_full`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_member_num: Option<u64>,
    /// A `Community` that has topics (Tencent's `isSupportTopic`): its ID, given or made, starts
    /// with `@TGS#_`. Only a community takes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_support_topic: Option<bool>,
}

/// `POST /v1/groups/{groupID}`: a member with the right changes the group's profile
/// (Tencent's `updateGroupProfile`); a field left out keeps its value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Sunday hike", "notification": "Meet at 8"}))]
pub struct GroupProfileUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_option: Option<String>,
    /// Mutes everyone but the owner and the admins (`true`), or ends it (`false`): the owner or
    /// an admin, in a group that is not a work group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute_all_members: Option<bool>,
    /// Custom fields to set; the others keep their values, and an empty value removes a field.
    /// 20 at most per group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_custom_field: Option<Vec<CustomField>>,
}

/// `POST /v1/groups/{groupID}/members` and `/members/remove`: the users to add or remove
/// (1–500).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"userIDList": ["carol", "dave"]}))]
pub struct GroupMemberIdList {
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
}

/// `POST /v1/groups/{groupID}/members/remove`: the members to remove (1–500), and in an
/// AVChatRoom group how long they may not join it again (Tencent's `deleteGroupMember`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"userIDList": ["carol"], "duration": 600}))]
pub struct GroupMemberRemoval {
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
    /// Seconds the removed users may not join the group again, AVChatRoom groups only (as
    /// Tencent's); none when left out or 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
}

/// `POST /v1/groups/{groupID}/owner`: the owner hands the group to another member (Tencent's
/// `changeGroupOwner`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"newOwnerID": "bob"}))]
pub struct GroupOwnerChange {
    #[serde(rename = "newOwnerID")]
    pub new_owner_id: String,
}

/// What adding members did, user by user (Tencent's `addGroupMember` answer).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AddedGroupMembers {
    #[serde(rename = "successUserIDList")]
    pub success_user_id_list: Vec<String>,
    /// Users the server does not know (no token was ever issued for them).
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<String>,
    /// Users who were members already.
    #[serde(rename = "existedUserIDList")]
    pub existed_user_id_list: Vec<String>,
    pub group: Group,
}

/// Who was removed (Tencent's `deleteGroupMember` answer); users who were not members are left
/// out.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemovedGroupMembers {
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
    pub group: Group,
}

/// `POST /v1/groups/{groupID}/join`'s body (Tencent's `joinGroup` options).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JoinGroupRequest {
    /// What a request to join a group that takes new members with approval says to its owner
    /// (at most 1 KiB); unused where the user joins at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_message: Option<String>,
}

/// A request to join a group, waiting for its owner (Tencent's `getGroupApplicationList`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupApplication {
    #[serde(rename = "groupID")]
    pub group_id: String,
    pub group_name: String,
    /// The user who asks.
    pub applicant: String,
    pub applicant_nick: String,
    /// What they wrote (`joinGroup`'s `applyMessage`).
    pub apply_message: String,
    /// When they asked, in ms.
    pub time: i64,
}

/// `GET /v1/group-applications`: the requests waiting for the user, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupApplicationList {
    pub application_list: Vec<GroupApplication>,
}

/// `POST /v1/groups/{groupID}/applications/handle`: the owner answers a request to join
/// (Tencent's `handleGroupApplication`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HandleGroupApplication {
    /// The user whose request it is.
    pub applicant: String,
    /// `Agree` (they join) or `Reject`.
    pub handle_action: String,
    /// Passed on to the applicant in the notice of the answer (at most 1 KiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle_message: Option<String>,
}

/// `POST /v1/groups/{groupID}/join`'s answer (Tencent's `joinGroup`): `JoinedSuccess`,
/// `WaitAdminApproval` when the request waits for the owner, or `AlreadyInGroup` for a member.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JoinedGroup {
    pub status: String,
    pub group: Group,
}

/// `POST /v1/groups/{groupID}/leave`'s answer (Tencent's `quitGroup`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeftGroup {
    /// Whether the user was a member until now; `false` when they had left already (or been
    /// removed), and nothing changed.
    pub left: bool,
}

/// `POST /v1/profile`: the user changes their own profile (Tencent's `updateMyProfile`); a field
/// left out keeps its value.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"nick": "Alice", "avatar": "https://example.com/a.png", "customFields": {"Tag_Profile_Custom_Hobby": "chess"}}))]
pub struct MyProfileUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// Sets these custom fields and keeps the others (at most 20 in all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<std::collections::BTreeMap<String, String>>,
    /// Who may add the user as a friend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_type: Option<crate::friend_rules::AllowType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<crate::profile::Gender>,
    /// As the app writes it (Tencent suggests `20000101`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<u32>,
    /// At most 16 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// At most 500 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_signature: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<u32>,
    /// The app's own number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u32>,
    /// The app's own number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<u32>,
}

/// The groups the user is a member of now (Tencent's `getGroupList`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupList {
    pub group_list: Vec<Group>,
}

/// A member of a group as the other members see them (Tencent's `GroupMember`, with the fields
/// Natter keeps).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupMember {
    #[serde(rename = "userID")]
    pub user_id: String,
    pub nick: String,
    pub avatar: String,
    /// `Owner` (the group's owner), `Admin` (named by the owner) or `Member`.
    pub role: String,
    /// When their mute in the group ends, in Unix seconds; 0 when they are not muted (Tencent's
    /// `muteUntil`).
    pub mute_until: u64,
    /// The name they show in this group, `""` for none (Tencent's `nameCard`).
    pub name_card: String,
    /// Their custom fields in this group, by key (Tencent's `memberCustomField`).
    pub member_custom_field: Vec<CustomField>,
    /// When they joined the group (a rejoin counts anew), in Unix seconds; 0 for a member who
    /// joined before the server kept it (Tencent's `joinTime`).
    pub join_time: u64,
}

/// One custom field of a group, or of a member in a group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct CustomField {
    /// 1–32 bytes.
    pub key: String,
    /// Up to 512 bytes; `""` removes the field.
    pub value: String,
}

/// `POST /v1/groups/{groupID}/members/update`: the owner or an admin changes a member, or a
/// member their own name card and custom fields (Tencent's `setGroupMemberRole`,
/// `setGroupMemberMuteTime`, `setGroupMemberNameCard` and `setGroupMemberCustomField`). At
/// least one of the four; each is checked before any is made.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"userID": "bob", "muteTime": 600}))]
pub struct GroupMemberUpdate {
    #[serde(rename = "userID")]
    pub user_id: String,
    /// `Admin` or `Member`: the owner names or unnames an admin.
    #[serde(default)]
    pub role: Option<String>,
    /// Seconds from now that the member may not send to the group; 0 unmutes.
    #[serde(default)]
    pub mute_time: Option<u64>,
    /// The name the member shows in this group; `""` clears it.
    #[serde(default)]
    pub name_card: Option<String>,
    /// Custom fields to set (Tencent's `setGroupMemberCustomField`): a member sets their own, the
    /// owner and the admins those of members they rank above; an empty value removes a field.
    /// 20 at most per member.
    #[serde(default)]
    pub member_custom_field: Option<Vec<CustomField>>,
}

/// The group and the member after a change to the member.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UpdatedGroupMember {
    pub group: Group,
    pub member: GroupMember,
}

/// `POST /v1/groups/{groupID}/members/mark`: the owner of an audio-video group marks members,
/// or takes a mark off them (Tencent's `markGroupMemberList`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"userIDList": ["bob"], "markType": 1001, "enableMark": true}))]
pub struct MarkGroupMembersRequest {
    /// 1–500 users.
    #[serde(rename = "userIDList")]
    pub user_id_list: Vec<String>,
    /// The mark: 1000 to 4294967295 (smaller numbers are Tencent's own). A group's members carry
    /// at most 10 distinct marks, and a mark names at most 1,000 members.
    pub mark_type: u64,
    /// true marks them; false takes the mark off.
    pub enable_mark: bool,
}

/// What a mark call did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct MarkGroupMembersResult {
    /// The members marked or unmarked.
    #[serde(rename = "successUserIDList")]
    pub success_user_id_list: Vec<String>,
    /// The named users who are not members of the group.
    #[serde(rename = "failureUserIDList")]
    pub failure_user_id_list: Vec<String>,
}

/// A page of a group's members, by user ID (Tencent's `getGroupMemberList`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupMemberList {
    pub member_list: Vec<GroupMember>,
    /// The `offset` of the next page; 0 once this page is the last, as Tencent's.
    pub offset: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PinRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    pub is_pinned: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MarkRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    pub mark_type: u64,
    pub enable_mark: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DraftRequest {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    #[serde(default)]
    pub draft_text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomDataRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    #[serde(default)]
    pub custom_data: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RemindTypeRequest {
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    /// `AcceptAndNotify`, `AcceptNotNotify`, `Discard`, `AcceptNotNotifyExceptAt` (groups) or
    /// `NotReceiveMsgExceptAt` (topics).
    pub message_remind_type: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ReadAllRequest {
    /// `C2C`, `GROUP` or `ALL` (the default).
    #[serde(default)]
    pub scope: Option<String>,
}

/// A conversation folder ("conversation group" in the client SDK).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroup {
    pub group_name: String,
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroupList {
    pub conversation_group_list: Vec<ConversationGroup>,
}

/// Create a folder, or add to / remove from one.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationGroupRequest {
    pub group_name: String,
    #[serde(rename = "conversationIDList", default)]
    pub conversation_id_list: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenameConversationGroupRequest {
    pub old_name: String,
    pub new_name: String,
}

/// Search the user's messages (Tencent's `searchCloudMessages`). At least one of
/// `keywordList`, `senderUserIDList` and `messageTypeList` is needed; every part given must hold.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchMessagesRequest {
    /// 0–5 words, each 1–100 bytes, looked for in the messages' text (a text's text, a custom
    /// message's data, description, extension and text, a file's name, …); letters match in
    /// either case, in every script that has case.
    #[serde(default)]
    pub keyword_list: Vec<String>,
    /// `or` (the default): any of the words; `and`: all of them.
    #[serde(default)]
    pub keyword_list_match_type: Option<String>,
    /// 0–5 senders: only their messages.
    #[serde(rename = "senderUserIDList", default)]
    pub sender_user_id_list: Vec<String>,
    /// Only messages of these types (`TIMTextElem`, `TIMImageElem`, …).
    #[serde(default)]
    pub message_type_list: Vec<String>,
    /// Only this conversation: its matching messages a page at a time. Without it, the
    /// conversations with matches a page at a time.
    #[serde(rename = "conversationID", default)]
    pub conversation_id: Option<String>,
    /// Only messages sent at or after this time (ms since the epoch).
    #[serde(default)]
    pub from_time: Option<i64>,
    /// Only messages sent at or before this time (ms since the epoch).
    #[serde(default)]
    pub to_time: Option<i64>,
    /// Where the page starts: the `cursor` of the page before; none for the first.
    #[serde(default)]
    pub cursor: Option<String>,
    /// 1–100 (default 10): messages on a page of one conversation, conversations on a page of
    /// all.
    #[serde(default)]
    pub count: Option<u64>,
}

/// One conversation's matches.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// Searching one conversation: the messages on this page. Searching all: the conversation's
    /// matches.
    pub message_count: u64,
    /// Newest first. Searching all, only a conversation's single match is given, as Tencent's:
    /// with more, search that conversation for them.
    pub message_list: Vec<Message>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchMessagesResponse {
    /// Every match of the search, on this page and the others (at most 1,000 per
    /// conversation are counted).
    pub total_count: u64,
    /// The conversation with the newest match first.
    pub search_result_list: Vec<SearchResult>,
    /// Pass it back for the next page; `""` when this is the last.
    pub cursor: String,
}

/// The user's option for all their messages (Tencent's `setAllReceiveMessageOpt`): how they are
/// told of messages in a window, once or every day. Outside the window, and with
/// `AcceptAndNotify`, every conversation notifies as its own `messageRemindType` says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiveOption {
    /// `AcceptAndNotify` (the default) or `AcceptNotNotify`: in the window, messages arrive
    /// and count as unread, but are not pushed while the user is offline (no `msg.offline`).
    pub message_remind_type: String,
    /// Where the window starts, Unix seconds.
    pub start_time: i64,
    /// Where it ends (not included), Unix seconds; at or before `startTime`: no window.
    pub end_time: i64,
    /// The window comes back every day at the same time (a window of a day or more: always).
    pub is_repeated: bool,
}
