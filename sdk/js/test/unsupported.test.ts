/**
 * Every method of Tencent's ChatSDK exists; what Natter does not offer (an option, an
 * experimental API) fails loudly with ErrorCode.UNSUPPORTED and a message naming the call, and
 * never resolves.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  ErrorCode,
  NatterError,
  UNSUPPORTED_CALLS,
  UNSUPPORTED_MESSAGE_FACTORIES,
  UNSUPPORTED_SYNC_CALLS,
} from '@natter/sdk';
import { destroyAllChats, newChat } from '../testing/chat.js';
import { startServer, type TestServer } from '../testing/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await destroyAllChats();
  await server?.stop();
});

/** The methods of Tencent's web SDK instance (v3 typings), by name. */
const TENCENT_METHODS = `login logout getLoginUser getServerTime isReady destroy on off registerPlugin setLogLevel
createTextMessage createTextAtMessage createImageMessage createAudioMessage createVideoMessage createCustomMessage
createFaceMessage createFileMessage createLocationMessage createMergerMessage downloadMergerMessage createForwardMessage
sendMessage revokeMessage resendMessage deleteMessage translateText convertVoiceToText setMessageExtensions
getMessageExtensions deleteMessageExtensions modifyMessage searchCloudMessages searchCloudGroups searchCloudUsers
searchCloudGroupMembers addMessageReaction removeMessageReaction getMessageReactions getAllUserListOfMessageReaction
getMessageList getMessageListHopping setMessageRead sendMessageReadReceipt getMessageReadReceiptList
getGroupMessageReadMemberList findMessage getConversationList getConversationProfile deleteConversation
setConversationDraft clearHistoryMessage pinConversation setAllMessageRead setMessageRemindType setAllReceiveMessageOpt
getAllReceiveMessageOpt getTotalUnreadMessageCount setConversationCustomData markConversation getConversationGroupList
createConversationGroup deleteConversationGroup renameConversationGroup addConversationsToGroup
deleteConversationsFromGroup getMyProfile getUserProfile updateMyProfile getBlacklist addToBlacklist removeFromBlacklist
setSelfStatus getUserStatus subscribeUserStatus unsubscribeUserStatus getFriendList addFriend deleteFriend checkFriend
getFriendProfile updateFriend getFriendApplicationList acceptFriendApplication refuseFriendApplication
deleteFriendApplication setFriendApplicationRead getFriendGroupList createFriendGroup deleteFriendGroup addToFriendGroup
removeFromFriendGroup renameFriendGroup followUser unfollowUser getMyFollowersList getMyFollowingList
getMutualFollowersList getUserFollowInfo checkFollowType getGroupList getGroupProfile createGroup dismissGroup
updateGroupProfile joinGroup quitGroup pinGroupMessage getPinnedGroupMessageList searchGroupByID
getGroupOnlineMemberCount changeGroupOwner getGroupApplicationList handleGroupApplication initGroupAttributes
setGroupAttributes deleteGroupAttributes getGroupAttributes setGroupCounters increaseGroupCounter decreaseGroupCounter
getGroupCounters getGroupMemberList getGroupMemberProfile addGroupMember deleteGroupMember setGroupMemberMuteTime
setGroupMemberRole setGroupMemberNameCard setGroupMemberCustomField markGroupMemberList getJoinedCommunityList
createTopicInCommunity deleteTopicFromCommunity updateTopicProfile getTopicList addSignalingListener
removeSignalingListener invite inviteSync inviteInGroup inviteInGroupSync cancel accept reject getSignalingInfo
modifyInvitation callExperimentalAPI`.split(/\s+/);

function isUnsupported(err: unknown, call: string): true {
  assert.ok(err instanceof NatterError, `${call}: a NatterError`);
  assert.equal(err.code, ErrorCode.UNSUPPORTED, call);
  assert.equal(err.code, -2);
  assert.equal(err.error, 'unsupported', call);
  assert.ok(err.message.startsWith(call), `${call}: the message names the call: ${err.message}`);
  assert.match(err.message, /not supported by Natter \(.+\)/);
  return true;
}

describe('unsupported calls', () => {
  test("every method of Tencent's ChatSDK exists", () => {
    const chat = newChat(server);
    assert.equal(TENCENT_METHODS.length, 148);
    const missing = TENCENT_METHODS.filter((m) => typeof (chat as unknown as Record<string, unknown>)[m] !== 'function');
    assert.deepEqual(missing, []);
  });

  test('no call is unsupported any more: translation and speech to text go to the operator\'s services', () => {
    assert.deepEqual(UNSUPPORTED_CALLS, {});
    const chat = newChat(server);
    assert.equal(typeof chat.translateText, 'function');
    assert.equal(typeof chat.convertVoiceToText, 'function');
  });

  test('no message factory and no synchronous call is unsupported any more', () => {
    assert.deepEqual(UNSUPPORTED_MESSAGE_FACTORIES, {}, 'every message factory is supported now');
    assert.deepEqual(UNSUPPORTED_SYNC_CALLS, {}, 'signalling is supported now');
    const chat = newChat(server);
    assert.equal(chat.getSignalingInfo({} as never), null, 'no signalling message');
  });

  test("the README's migration guide says what is refused, and what needs the operator's services", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### What Natter does not do'), readme.indexOf('### Differences to know'));
    assert.ok(section.length > 500, 'the section exists');
    for (const named of ['messageSettings', 'translateText', '--translation-url', 'convertVoiceToText', '--speech-to-text-url']) {
      assert.ok(section.includes(named), `${named} is named`);
    }
    const lists = { ...UNSUPPORTED_CALLS, ...UNSUPPORTED_MESSAGE_FACTORIES, ...UNSUPPORTED_SYNC_CALLS } as Record<string, string>;
    for (const call of Object.keys(lists)) assert.ok(section.includes(`\`${call}\``), `${call} is listed`);
  });

  test('supported calls are not in the unsupported lists', () => {
    const listed = new Set([
      ...Object.keys(UNSUPPORTED_CALLS),
      ...Object.keys(UNSUPPORTED_MESSAGE_FACTORIES),
      ...Object.keys(UNSUPPORTED_SYNC_CALLS),
    ]);
    for (const supported of [
      'login',
      'sendMessage',
      'getMessageList',
      'getMessageListHopping',
      'getConversationList',
      'deleteConversation',
      'quitGroup',
      'getGroupList',
      'updateMyProfile',
      'getGroupMemberList',
      'createCustomMessage',
      'createTextAtMessage',
      'createImageMessage',
      'createFileMessage',
      'createAudioMessage',
      'createVideoMessage',
      'createMergerMessage',
      'createForwardMessage',
      'downloadMergerMessage',
      'resendMessage',
      'findMessage',
      'revokeMessage',
      'modifyMessage',
      'deleteMessage',
      'addMessageReaction',
      'removeMessageReaction',
      'setMessageExtensions',
      'getMessageExtensions',
      'deleteMessageExtensions',
      'setAllReceiveMessageOpt',
      'getAllReceiveMessageOpt',
      'getMessageReactions',
      'getAllUserListOfMessageReaction',
      'sendMessageReadReceipt',
      'getMessageReadReceiptList',
      'getGroupMessageReadMemberList',
      'searchCloudMessages',
      'searchCloudUsers',
      'searchCloudGroups',
      'searchCloudGroupMembers',
      'getUserProfile',
      'getMyProfile',
      'getGroupProfile',
      'getGroupAttributes',
      'initGroupAttributes',
      'setGroupAttributes',
      'deleteGroupAttributes',
      'addSignalingListener',
      'removeSignalingListener',
      'invite',
      'inviteSync',
      'inviteInGroup',
      'inviteInGroupSync',
      'cancel',
      'accept',
      'reject',
      'modifyInvitation',
      'getSignalingInfo',
      'getGroupCounters',
      'setGroupCounters',
      'increaseGroupCounter',
      'decreaseGroupCounter',
      'createGroup',
      'addGroupMember',
      'deleteGroupMember',
      'updateGroupProfile',
      'dismissGroup',
      'joinGroup',
      'changeGroupOwner',
      'getGroupMemberProfile',
      'setGroupMemberRole',
      'setGroupMemberMuteTime',
      'setGroupMemberNameCard',
      'setGroupMemberCustomField',
      'searchGroupByID',
      'pinGroupMessage',
      'getPinnedGroupMessageList',
      'getBlacklist',
      'addToBlacklist',
      'removeFromBlacklist',
      'getFriendList',
      'addFriend',
      'deleteFriend',
      'checkFriend',
      'getFriendProfile',
      'updateFriend',
      'getFriendApplicationList',
      'acceptFriendApplication',
      'refuseFriendApplication',
      'deleteFriendApplication',
      'setFriendApplicationRead',
      'getFriendGroupList',
      'createFriendGroup',
      'deleteFriendGroup',
      'addToFriendGroup',
      'removeFromFriendGroup',
      'renameFriendGroup',
      'setSelfStatus',
      'getUserStatus',
      'subscribeUserStatus',
      'unsubscribeUserStatus',
      'followUser',
      'unfollowUser',
      'getMyFollowersList',
      'getMyFollowingList',
      'getMutualFollowersList',
      'getUserFollowInfo',
      'checkFollowType',
      'getJoinedCommunityList',
      'createTopicInCommunity',
      'deleteTopicFromCommunity',
      'updateTopicProfile',
      'getTopicList',
    ]) {
      assert.ok(!listed.has(supported), supported);
    }
  });

  test("callExperimentalAPI answers TUIKit engine's questions as Tencent's, and refuses the rest", async () => {
    const chat = newChat(server);
    assert.equal(chat.callExperimentalAPI('canIUseModule', 'group-module'), true);
    assert.equal(chat.callExperimentalAPI('canIUseModule', 'relationship-module'), true, 'friends');
    assert.equal(chat.callExperimentalAPI('canIUseModule', 'cloud-search-module'), true, 'the cloud searches');
    assert.equal(chat.callExperimentalAPI('canIUseModule', 'follow-module'), true, 'following');
    assert.equal(chat.callExperimentalAPI('canIUseModule', 'signaling-module'), true, 'signalling');
    assert.equal(chat.callExperimentalAPI('canIUseModule', 'community-module'), false, "no such module of Tencent's: its topics come with its core");
    for (const feature of [2 ** 5, 2 ** 7, 2 ** 38, 2 ** 39, 2 ** 40, 2 ** 48]) {
      // what TUIKit's engine asks at every login, each with `.then` and no `.catch`: user
      // status (2^7), the cloud search plugin (2^40) and reactions (2^48, its enabledEmojiPlugin)
      // are there
      assert.deepEqual(await chat.callExperimentalAPI('isCommercialAbilityEnabled', feature), {
        code: 0,
        data: { enabled: feature === 2 ** 7 || feature === 2 ** 40 || feature === 2 ** 48 },
      });
    }
    // What Tencent's message extension, group counter and follow calls check first: there too,
    // alone or together.
    for (const feature of [2 ** 13, 2 ** 15, 2 ** 52, 2 ** 7 + 2 ** 13 + 2 ** 15 + 2 ** 40 + 2 ** 48 + 2 ** 52]) {
      assert.deepEqual(await chat.callExperimentalAPI('isCommercialAbilityEnabled', feature), { code: 0, data: { enabled: true } });
    }
    assert.equal(chat.callExperimentalAPI('statTUIKeyFeatures', { code: 1, msg: '' }), undefined);
    await assert.rejects(chat.callExperimentalAPI('getServerConfig') as Promise<unknown>, (err) =>
      isUnsupported(err, 'callExperimentalAPI'),
    );
  });
});
