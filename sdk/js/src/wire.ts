/**
 * The JSON the Natter server sends and accepts on the client API and the WebSocket. The shapes
 * come from the server's OpenAPI document (`docs/openapi.json`, generated from the server's Rust
 * types) through `src/generated/openapi.ts` (`npm run generate`); this module only names them
 * for the rest of the SDK. Everything the app sees is converted from these (convert.ts) into the
 * Tencent-shaped objects of types.ts.
 */
import type * as api from './generated/openapi.js';

/** `C2C<peerUid>`, `GROUP<groupID>` or `@TIM#SYSTEM`. */
export type WireConversationID = string;

export type WireMessage = api.Message;
export type WireLastMessage = api.LastMessage;
export type WireUserProfile = api.UserProfile;
export type WireGroupProfile = api.GroupProfile;
export type WireConversation = api.Conversation;
/** One unread message that mentions the user (a conversation's `groupAtInfoList`). */
export type WireGroupAtInfo = api.GroupAtInfo;
/** `GET /v1/conversations`. */
export type WireConversationPage = api.ConversationListResponse;
/** `GET /v1/conversations/sync?since=`. */
export type WireSyncReply = api.SyncResponse;
/** `GET /v1/conversations/{id}/messages`. */
export type WireMessagePage = api.MessageListResponse;
/** `POST /v1/messages` body. */
export type WireSendMessageRequest = api.SendMessageRequest;
export type WireSendMessageReply = api.SendMessageResponse;
/** The send's `offlinePushInfo`: what the app backend's `msg.offline` webhook carries, or `disablePush` for none. */
export type WireOfflinePushInfo = api.OfflinePushInfo;
export type WireConversationIDListReply = api.ConversationIdList;
/** `POST /v1/conversations/delete`: the IDs, and the deletion's version. */
export type WireDeleteConversationsReply = api.DeleteConversationsResponse;
export type WireTotalUnread = api.TotalUnread;
/** `GET /v1/conversation-groups`. */
export type WireFolderList = api.ConversationGroupList;
/** A recall, a delete-for-me or a change (with the message) that a sync reports (`messageChangeList`). */
export type WireMessageChange = api.MessageChange;
/** `POST /v1/messages/revoke` body. */
export type WireRevokeRequest = api.RevokeMessageRequest;
/** `POST /v1/messages/modify` body; the answer is a WireSendMessageReply (the message as it now is). */
export type WireModifyMessageRequest = api.ModifyMessageRequest;
/** `POST /v1/messages/delete` body, and its answer (the IDs removed now). */
export type WireDeleteMessagesRequest = api.DeleteMessagesRequest;
export type WireMessageIDList = api.MessageIdList;
/** `POST /v1/messages/reactions` and `/remove` body; the answer is WireMessageReactions (the reaction as it now is). */
export type WireReactionRequest = api.ReactionRequest;
/** A message's reactions: an answer, a `resultList` entry, `messageReactionsUpdated`'s data. */
export type WireMessageReactions = api.MessageReactions;
export type WireReaction = api.Reaction;
/** `POST /v1/messages/reactions/list` body, and its answer (one entry per message asked, in order). */
export type WireMessageReactionsRequest = api.MessageReactionsRequest;
export type WireMessageReactionsList = api.MessageReactionsList;
/** `POST /v1/messages/reactions/users` body, and its answer (a page of the users who reacted so). */
export type WireReactionUsersRequest = api.ReactionUsersRequest;
export type WireReactionUsers = api.ReactionUsers;
/** `POST /v1/messages/extensions` body: pairs to set on a message (1–20). */
export type WireSetExtensionsRequest = api.SetExtensionsRequest;
/** `POST /v1/messages/extensions/delete` body: keys to delete (1–20), or none for every key. */
export type WireDeleteExtensionsRequest = api.DeleteExtensionsRequest;
/** `POST /v1/messages/extensions/list` body: the message asked about. */
export type WireExtensionsRequest = api.ExtensionsRequest;
/**
 * A message's pairs: the answer to a setting (those set) and to `/list` (all, by key), and
 * `messageExtensionsUpdated`'s data (those set).
 */
export type WireMessageExtensions = api.MessageExtensions;
export type WireMessageExtension = api.MessageExtension;
/** The keys deleted: the answer to `/delete`, and `messageExtensionsDeleted`'s data. */
export type WireDeletedExtensions = api.DeletedExtensions;
/** `POST /v1/messages/read-receipts` (a reader gives receipts) and `/list` body: messages of one conversation. */
export type WireMessageReceiptsRequest = api.MessageReceiptsRequest;
/** `POST /v1/messages/read-receipts/list`'s answer: the counts of those messages asked about that are the user's own and asked for receipts. */
export type WireMessageReceiptList = api.MessageReceiptList;
/** One message's receipt counts: a `/list` answer's entry, `messageReadReceiptReceived`'s. */
export type WireMessageReceipt = api.MessageReceipt;
/** `POST /v1/messages/read-receipts/members` body, and its answer (a page of who read a group message, or who did not). */
export type WireReceiptMembersRequest = api.ReceiptMembersRequest;
export type WireReceiptMembers = api.ReceiptMembers;
/** `POST /v1/messages/search` body, and its answer (a page of the conversations or messages that match). */
export type WireSearchMessagesRequest = api.SearchMessagesRequest;
export type WireSearchMessagesResponse = api.SearchMessagesResponse;
export type WireSearchResult = api.SearchResult;
/** `POST /v1/translate` body, and its answer (the translations, in order). */
export type WireTranslateTextRequest = api.TranslateTextRequest;
export type WireTranslatedText = api.TranslatedText;
/** `POST /v1/speech-to-text` body (a sound message's file URL), and its answer (`{ result }`). */
export type WireSpeechToTextRequest = api.SpeechToTextRequest;
export type WireSpeechToText = api.SpeechToText;
/** `POST /v1/search/users`, `/groups` and `/group-members` body: words, narrowing and a page. */
export type WireDirectorySearch = api.DirectorySearch;
/** `POST /v1/search/users`' answer: a page of the users found (their profiles), by user ID. */
export type WireUserSearchResult = api.UserSearchResult;
/** `POST /v1/search/groups`' answer: a page of the groups found, by group ID, without the user's standing (`selfRole` `''`). */
export type WireGroupSearchResult = api.GroupSearchResult;
/** `POST /v1/search/group-members`' answer: a page of the members found, by group and then user ID. */
export type WireGroupMemberSearchResult = api.GroupMemberSearchResult;
/** The members found in one group: the group's `{ groupID, name, avatar, type }` and each member. */
export type WireGroupMembersFound = api.GroupMembersFound;
/** `POST /v1/user-status/self` body; the answer is the WireUserStatus (the caller's status now). */
export type WireSetSelfStatusRequest = api.SetSelfStatusRequest;
/** A user's status, with its version: an answer's entry, `userStatusUpdated`'s. */
export type WireUserStatus = api.UserStatus;
/** `POST /v1/user-status`, `/subscribe` and `/unsubscribe` body. */
export type WireUserStatusRequest = api.UserStatusRequest;
/** `POST /v1/user-status`'s answer, in the order asked. */
export type WireUserStatusList = api.UserStatusList;
/** A user a status call could not answer for or act on, and why. */
export type WireUserStatusFailure = api.UserStatusFailure;
/** `POST /v1/user-status/subscribe`'s and `/unsubscribe`'s answer. */
export type WireUserStatusSubscription = api.UserStatusSubscription;
/** The payload of a group tip (`TIMGroupTipElem`), the message the server writes of a member's change. */
export type WireGroupTipPayload = api.GroupTipPayload;
/** A user's whole profile (`POST /v1/profiles`, `GET /v1/profile`, `profileUpdated`). */
export type WireProfile = api.Profile;
export type WireProfileList = api.ProfileList;
/** `GET /v1/groups/{groupID}`. */
export type WireGroup = api.Group;
export type WireGroupList = api.GroupList;
export type WireGroupMember = api.GroupMember;
export type WireGroupMemberList = api.GroupMemberList;
export type WireMarkGroupMembersResult = api.MarkGroupMembersResult;
export type WireGroupOnlineMemberCount = api.GroupOnlineMemberCount;
/** `POST /v1/groups` body: a user creates a group. */
export type WireCreateGroup = api.CreateGroup;
/** `POST /v1/groups/{groupID}/members` and `/members/remove` body. */
export type WireGroupMemberIDList = api.GroupMemberIdList;
export type WireAddedGroupMembers = api.AddedGroupMembers;
export type WireRemovedGroupMembers = api.RemovedGroupMembers;
/** `POST /v1/groups/{groupID}` body. */
export type WireGroupProfileUpdate = api.GroupProfileUpdate;
/** `POST /v1/groups/{groupID}/members/update` body: a member's role, mute, name card or custom fields. */
export type WireGroupMemberUpdate = api.GroupMemberUpdate;
/** Its answer: the group, and the member as they now are. */
export type WireUpdatedGroupMember = api.UpdatedGroupMember;
/** `POST /v1/groups/{groupID}/pinned-messages` body (the answer is empty): pin a message of the group, or unpin it. */
export type WirePinMessageRequest = api.PinMessageRequest;
/** `GET /v1/groups/{groupID}/pinned-messages`: the group's pinned messages, oldest first, each with who pinned it. */
export type WirePinnedMessageList = api.PinnedMessageList;
export type WirePinnedMessage = api.PinnedMessage;
/** `POST /v1/groups/{groupID}/counters` body: counters to set (1–20). */
export type WireSetGroupCountersRequest = api.SetGroupCountersRequest;
/** `POST /v1/groups/{groupID}/counters/increase` and `/decrease` body: a key and a step of 0 or more. */
export type WireGroupCounterStep = api.GroupCounterStep;
/** `POST /v1/groups/{groupID}/counters/get` body: the keys asked for, or none for every counter. */
export type WireGroupCountersRequest = api.GroupCountersRequest;
/** A group's counters: `/counters` (as set) and `/counters/get` (as asked) answer them. */
export type WireGroupCounters = api.GroupCounters;
/** One counter as it now is: a raise's or lowering's answer, and `groupCounterUpdated`'s data. */
export type WireGroupCounter = api.GroupCounter;
/**
 * `PUT` (all of them) and `POST /v1/groups/{groupID}/attributes` (some to set) body: a group's
 * attributes as the member gives them.
 */
export type WireGroupAttributesRequest = api.GroupAttributesRequest;
/** `POST /v1/groups/{groupID}/attributes/get` and `/delete` body: the keys, or none for every attribute. */
export type WireGroupAttributeKeys = api.GroupAttributeKeys;
/** A group's attributes: those given (`PUT`, `POST`), those left (`/delete`), those asked for (`/get`). */
export type WireGroupAttributes = api.GroupAttributes;
/** `groupAttributesUpdated`'s data: every attribute of the group after a change, and what changed. */
export type WireGroupAttributesChanged = api.GroupAttributesChanged;
/** `POST /v1/groups/{groupID}/join`. */
export type WireJoinedGroup = api.JoinedGroup;
/** `POST /v1/groups/{groupID}/leave`: whether the user was a member until now (a server before it answers `{}`). */
export type WireLeftGroup = Partial<api.LeftGroup>;
/**
 * A community's topic: the answer of `POST /v1/groups/{groupID}/topics` and `PATCH …/topics/{topicID}`,
 * an entry of `GET …/topics`, and `topicUpdated`'s `topic`. `conversation` is the user's own
 * conversation of the topic, as `GET /v1/conversations` shapes one, and `selfInfo` their standing
 * in it (both `null` in `topicUpdated`).
 */
export type WireTopic = api.Topic;
/** A Topic's `selfInfo`: the user's mute in the topic alone (`muteUntil`, Unix seconds) and how far they read (`readSeq`). */
export type WireTopicSelfInfo = api.TopicSelfInfo;
/** `POST /v1/groups/{groupID}/topics` body: a topic to make (the server makes the ID when none is given). */
export type WireCreateTopic = api.CreateTopic;
/** `PATCH /v1/groups/{groupID}/topics/{topicID}` body; a field left out keeps its value. */
export type WireTopicProfileUpdate = api.UpdateTopic;
/** A topic a topic call could not answer for or act on, and why (`code` 10010: no such topic). */
export type WireTopicFailure = api.TopicFailure;
/** `GET /v1/groups/{groupID}/topics`' answer. */
export type WireTopicList = api.TopicList;
/** `POST /v1/groups/{groupID}/topics/delete` body (no list: every topic) and its answer. */
export type WireDeleteTopics = api.DeleteTopics;
export type WireDeletedTopics = api.DeletedTopics;
/** `GET /v1/group-applications`: the requests to join waiting for the user. */
export type WireGroupApplication = api.GroupApplication;
export type WireGroupApplicationList = api.GroupApplicationList;
/** `POST /v1/groups/{groupID}/applications/handle` body; the answer is the WireGroup. */
export type WireHandleGroupApplication = api.HandleGroupApplication;
/** `GET /v1/blacklist`, `POST /v1/blacklist` and `/v1/blacklist/remove` (body and answer). */
export type WireBlacklist = api.Blacklist;
/** `GET /v1/friends`: the user's friend list, oldest entry first, each with the friend's profile. */
export type WireFriend = api.Friend;
export type WireFriendList = api.FriendList;
/** `POST /v1/friends` body, and its answer (`added`, or `pending`: a request waits). */
export type WireAddFriend = api.AddFriend;
export type WireAddedFriend = api.AddedFriend;
/** `both` or `single`: whose lists an add or a deletion changes, or a check reads. */
export type WireFriendDirection = api.Direction;
/** `POST /v1/friends/delete` and `/check` body. */
export type WireFriendIDList = api.FriendIdList;
export type WireDeletedFriends = api.DeletedFriends;
export type WireFriendRelations = api.FriendRelations;
/** `POST /v1/friends/remark` body; the answer is the WireFriend. */
export type WireFriendUpdate = api.FriendUpdate;
/** `GET /v1/friend-applications`: the requests that wait, to the user and from them, newest first. */
export type WireFriendApplication = api.FriendApplication;
export type WireFriendApplicationList = api.FriendApplicationList;
/** `POST /v1/friend-applications/accept` body. */
export type WireAcceptFriendApplication = api.AcceptFriendApplication;
/** `POST /v1/friend-applications/refuse` and `/delete` body. */
export type WireFriendApplicationRef = api.FriendApplicationRef;
/** `GET /v1/friend-groups`: the user's friend groups, oldest first, each with its friends. */
export type WireFriendGroup = api.FriendGroup;
export type WireFriendGroupList = api.FriendGroupList;
/**
 * `POST /v1/friend-groups` (create), `/add` and `/remove` body, and their answer: the group as it
 * now is, and the users passed over.
 */
export type WireFriendGroupMembers = api.FriendGroupMembers;
export type WireChangedFriendGroup = api.ChangedFriendGroup;
/** `POST /v1/friend-groups/delete` body; the answer is the WireFriendGroup as it was. */
export type WireFriendGroupName = api.FriendGroupName;
/** `POST /v1/friend-groups/rename` body; the answer is the WireFriendGroup under its new name. */
export type WireRenameFriendGroup = api.RenameFriendGroup;
/** `POST /v1/follows` and `/v1/follows/remove` body (1–20 users), and their answer: each user's result, in order. */
export type WireFollowRequest = api.FollowRequest;
export type WireFollowResultList = api.FollowResultList;
export type WireFollowResult = api.FollowResult;
/** `GET /v1/follows?type=`: a page of the user's followers, following or mutual followers, newest follow first. */
export type WireFollowList = api.FollowList;
export type WireFollowedUser = api.FollowedUser;
/** `POST /v1/follows/info` and `/check` body: the users asked about (for counts, none: the user themself). */
export type WireFollowQuestion = api.FollowQuestion;
/** `POST /v1/follows/info`' answer: each user's counts, in the order asked. */
export type WireFollowInfoList = api.FollowInfoList;
export type WireFollowInfo = api.FollowInfo;
/** `POST /v1/follows/check`' answer: how each user stands to the user, in the order asked. */
export type WireFollowTypeList = api.FollowTypeList;
export type WireFollowType = api.FollowType;
/** Which of the user's lists a `followListsUpdated` change is of: `followers`, `following` or `mutual`. */
export type WireFollowListType = api.FollowListType;
/**
 * `GET` and `PUT /v1/receive-option` (body and answer): the user's option for all messages, and
 * `allReceiveMessageOptUpdated`'s data.
 */
export type WireReceiveOption = api.ReceiveOption;
/** `POST /v1/profile` body: the user's own nick, avatar, custom fields and `allowType`. */
export type WireMyProfileUpdate = api.MyProfileUpdate;
/** `POST /v1/files`: where the uploaded file is now served. */
export type WireUploadedFile = api.UploadedFile;
/** The error body of every 4xx / 5xx answer. */
export type WireError = api.ErrorBody;

/** Every WebSocket frame, both ways: `{"event":"ping"}` from the client, events from the server. */
export interface WireFrame {
  event: string;
  data?: unknown;
}

/** The only frame a client sends. */
export const WIRE_PING: api.ClientEvent = { event: 'ping' };

/** `data` of each WebSocket event, by event name. */
export type WireEventData = {
  [Name in api.ServerEvent['event']]: Extract<api.ServerEvent, { event: Name }>['data'];
};

/** WebSocket close codes the server uses (the API reference, "Close codes"). */
export const WIRE_CLOSE = {
  /** Idle timeout, or the server is shutting down: reconnect. */
  GOING_AWAY: 1001,
  /** A newer login of the same device subscribed (master device level). */
  REPLACED: 4001,
  /** Fell behind after `resyncRequired`: reconnect and sync. */
  RESYNC: 4002,
  /** The device's token was replaced or revoked by the app backend. */
  TOKEN_REVOKED: 4003,
  /** The app backend kicked the device. */
  KICKED: 4004,
} as const;
