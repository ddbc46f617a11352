// Compile-only check: a small app typed against Tencent Cloud Chat's web SDK, as its documentation
// and its typings (`@tencentcloud/chat` v3) show it, checked with `tsc --noEmit` against this
// package (installed as '@tencentcloud/chat'). It follows the same documentation pages as
// ../tencent-quickstart/chat-app.js, plus the typed objects of the API reference (Message,
// Conversation, Profile, Group, ChatSDK). Only the create() options and the login credential
// differ from what it would be against Tencent's package, whose typings it also satisfies. It is
// never run.

import TencentCloudChat, {
  type ChatSDK,
  type Conversation,
  type Group,
  type Message,
  type Profile,
} from '@tencentcloud/chat';

declare const backend: { serverUrl: string; userID: string; userSig: string };
declare function render(line: string): void;

let options = {
  SDKAppID: 0,
  serverUrl: backend.serverUrl, // NATTER: the server's address
};
let chat: ChatSDK = TencentCloudChat.create(options);
chat.setLogLevel(0);

// Events, with handlers typed the ways Tencent apps type them.
chat.on(TencentCloudChat.EVENT.SDK_READY, function (event: any) {
  render(`ready: ${chat.isReady()} as ${chat.getLoginUser()}`);
});
chat.on(TencentCloudChat.EVENT.MESSAGE_RECEIVED, function (event: { data: Message[] }) {
  event.data.forEach((message: Message) => render(describeMessage(message)));
});
chat.on(TencentCloudChat.EVENT.CONVERSATION_LIST_UPDATED, (event: { name: string; data: Conversation[] }) => {
  event.data.forEach((conversation) => render(describeConversation(conversation)));
});
chat.on(TencentCloudChat.EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, (event: { data: number }) => {
  render(`unread: ${event.data}`);
});
chat.on(TencentCloudChat.EVENT.KICKED_OUT, (event: any) => {
  if (event.data.type === TencentCloudChat.TYPES.KICKED_OUT_MULT_ACCOUNT) render('logged in elsewhere');
});
chat.on(TencentCloudChat.EVENT.NET_STATE_CHANGE, (event: { data: { state: TencentCloudChat.TYPES } }) => {
  render(`network ${event.data.state}`);
});
chat.on(TencentCloudChat.EVENT.PROFILE_UPDATED, (event: { data: Profile[] }) => render(event.data[0]!.nick));
chat.on(TencentCloudChat.EVENT.BLACKLIST_UPDATED, (event: { data: string[] }) => render(`blocked: ${event.data.join()}`));
chat.on(TencentCloudChat.EVENT.MESSAGE_REVOKED, function (event: { data: Message[] }) {
  event.data.forEach((message) => render(`${message.ID} recalled by ${message.revoker}`));
});
chat.on(TencentCloudChat.EVENT.MESSAGE_MODIFIED, function (event: { data: Message[] }) {
  event.data.forEach((message) => render(`${describeMessage(message)}${message.isModified ? ' (edited)' : ''}`));
});
const onError: Function = (event: any) => render(event.data.message);
chat.on(TencentCloudChat.EVENT.ERROR, onError);
chat.on('someEventName', onError, {});
chat.off(TencentCloudChat.EVENT.ERROR, onError);

function describeMessage(message: Message): string {
  const who = message.flow === 'in' ? message.nick || message.from : 'me';
  const when = new Date(message.time * 1000).toISOString();
  switch (message.type) {
    case TencentCloudChat.TYPES.MSG_TEXT:
      return `${when} ${who}: ${message.payload.text}`;
    case TencentCloudChat.TYPES.MSG_CUSTOM:
      return `${when} ${who}: [${message.payload.description}] ${message.payload.data}`;
    default:
      return `${when} ${who}: ${message.type}${message.isRevoked ? ' (recalled)' : ''}`;
  }
}

function describeConversation(conversation: Conversation): string {
  let name = '';
  if (conversation.type === TencentCloudChat.TYPES.CONV_C2C) {
    const profile: Profile = conversation.userProfile;
    name = conversation.remark || profile.nick || profile.userID;
  } else if (conversation.type === TencentCloudChat.TYPES.CONV_GROUP) {
    const group: Group = conversation.groupProfile;
    name = group.name || group.groupID;
  }
  const last = conversation.lastMessage;
  const pinned = conversation.isPinned ? '📌 ' : '';
  const muted = conversation.messageRemindType === TencentCloudChat.TYPES.MSG_REMIND_ACPT_NOT_NOTE ? ' (muted)' : '';
  return `${pinned}${name}: ${last.messageForShow} (${conversation.unreadCount}) at ${last.lastTime}${muted}`;
}

async function main(): Promise<void> {
  // NATTER: userSig is the device token from the app backend.
  const login = await chat.login({ userID: backend.userID, userSig: backend.userSig });
  if (login.data.repeatLogin === true) render(String(login.data.errorInfo));

  let message = chat.createTextMessage({
    to: 'user1',
    conversationType: TencentCloudChat.TYPES.CONV_C2C,
    payload: { text: 'Hello world!' },
    cloudCustomData: '',
  });
  const sent = await chat.sendMessage(message);
  const stored: Message = sent.data.message;
  render(stored.ID);

  let custom = chat.createCustomMessage({
    to: 'group1',
    conversationType: TencentCloudChat.TYPES.CONV_GROUP,
    payload: { data: 'dice', description: '6', extension: '' },
  });
  await chat.sendMessage(custom).catch((imError: any) => render(`${imError.code} ${imError.message}`));
  // The words of its offline push, as Tencent's documentation writes them (the app backend's
  // msg.offline webhook carries title, description and extension; the rest is dropped).
  await chat.sendMessage(
    chat.createTextMessage({ to: 'user1', conversationType: TencentCloudChat.TYPES.CONV_C2C, payload: { text: 'ping' } }),
    {
      offlinePushInfo: {
        disablePush: false,
        title: 'Alice',
        description: 'ping',
        extension: JSON.stringify({ entity: 'chat' }),
        ignoreIOSBadge: false,
        androidOPPOChannelID: 'tim',
      },
    },
  );

  // History, page by page.
  let { data } = await chat.getMessageList({ conversationID: 'C2Cuser1' });
  let messageList: Message[] = data.messageList;
  while (!data.isCompleted) {
    ({ data } = await chat.getMessageList({ conversationID: 'C2Cuser1', nextReqMessageID: data.nextReqMessageID }));
    messageList = [...data.messageList, ...messageList];
  }

  // Jumping to a quoted group message by its sequence, then on to the newest; one-to-one by time.
  let hop = await chat.getMessageListHopping({ conversationID: 'GROUPgroup1', sequence: stored.sequence, direction: 1 });
  let jumped: Message[] = hop.data.messageList;
  while (!hop.data.isCompleted) {
    hop = await chat.getMessageListHopping({ conversationID: 'GROUPgroup1', sequence: hop.data.nextMessageSeq, direction: 1 });
    jumped = [...jumped, ...hop.data.messageList];
  }
  await chat
    .getMessageListHopping({ conversationID: 'C2Cuser1', time: stored.time, count: 15, direction: 0 })
    .then((imResponse) => render(`${imResponse.data.messageList.length} before ${imResponse.data.nextMessageTime}`));

  // The conversation list, whole, filtered, and by IDs.
  const all = await chat.getConversationList();
  const list: Conversation[] = all.data.conversationList;
  render(`${list.length} conversations, synced: ${all.data.isSyncCompleted}`);
  await chat.getConversationList({ type: TencentCloudChat.TYPES.CONV_GROUP, hasUnreadCount: true });
  // Tencent's typings type markType as a number and TYPES as an enum, hence Number().
  await chat.getConversationList({ markType: Number(TencentCloudChat.TYPES.CONV_MARK_TYPE_STAR), groupName: 'Work' });
  await chat.getConversationList(['C2Cuser1', 'GROUPgroup1']);
  const first = list[0];
  if (first) {
    // Reply in the same conversation, whatever its type.
    const to = first.type === TencentCloudChat.TYPES.CONV_C2C ? first.userProfile.userID : first.groupProfile.groupID;
    chat.createTextMessage({ to, conversationType: first.type, payload: { text: 'hi' } });
    const profile = await chat.getConversationProfile(first.conversationID);
    render(profile.data.conversation.draftText);
    await chat.setMessageRead({ conversationID: first.conversationID });
    await chat.pinConversation({ conversationID: first.conversationID, isPinned: true });
    await chat.setConversationDraft({ conversationID: first.conversationID, draftText: '…' });
    await chat.setConversationCustomData({ conversationIDList: [first.conversationID], customData: 'x' });
    await chat.markConversation({
      conversationIDList: [first.conversationID],
      markType: Number(TencentCloudChat.TYPES.CONV_MARK_TYPE_STAR),
      enableMark: true,
    });
    await chat.setMessageRemindType({
      userIDList: ['user1'],
      messageRemindType: TencentCloudChat.TYPES.MSG_REMIND_ACPT_NOT_NOTE,
    });
    await chat.clearHistoryMessage(first.conversationID);
    const one = await chat.deleteConversation(first.conversationID);
    render(one.data.conversationID);
    const many = await chat.deleteConversation({ conversationIDList: ['C2Cuser1'], clearHistoryMessage: false });
    render(many.data.conversationIDList.join());
  }
  await chat.setAllMessageRead({ scope: TencentCloudChat.TYPES.READ_ALL_MSG });
  const total: number = chat.getTotalUnreadMessageCount();
  render(String(total));

  // Conversation groups.
  const groups = await chat.getConversationGroupList();
  render(groups.data.join());
  await chat.createConversationGroup({ groupName: 'Work', conversationIDList: ['C2Cuser1'] });
  await chat.addConversationsToGroup({ groupName: 'Work', conversationIDList: ['GROUPgroup1'] });
  await chat.deleteConversationsFromGroup({ groupName: 'Work', conversationIDList: ['GROUPgroup1'] });
  await chat.renameConversationGroup({ oldName: 'Work', newName: 'Job' });
  await chat.deleteConversationGroup('Job');
  await chat.quitGroup('group1');

  // Profiles, recall and delete for me, as Tencent's documentation writes them.
  await chat.getUserProfile({ userIDList: ['user1'] }).then((imResponse) => {
    const profiles: Profile[] = imResponse.data;
    render(profiles.map((p) => `${p.nick} ${p.profileCustomField.map((f: any) => f.key).join()}`).join());
  });
  await chat.getMyProfile().then((imResponse) => render((imResponse.data as Profile).nick));
  await chat.getGroupProfile({ groupID: 'group1' }).then((imResponse) => render(imResponse.data.group.name));
  // Editing, as Tencent's documentation writes it: the payload changed in place, then modifyMessage.
  stored.payload.text = 'Hello Tencent';
  await chat.modifyMessage(stored).then(
    (imResponse) => render(String(imResponse.data.message.isModified)),
    (imError) => {
      const { code, data } = imError;
      // A conflict: data.message is the latest. NATTER: its code is the server's 40901, not 2480.
      if (code === 2480 || code === 40901) render(describeMessage(data.message));
    },
  );
  // Reactions, as Tencent's documentation writes them.
  chat.on(TencentCloudChat.EVENT.MESSAGE_REACTIONS_UPDATED, function (event: any) {
    const { messageID, reactionList } = event.data;
    reactionList.forEach((item: any) => render(`${messageID} ${item.reactionID} ${item.totalUserCount}`));
  });
  await chat.addMessageReaction(stored, 'smile').catch((imError) => console.warn('addMessageReaction error:', imError));
  await chat.getMessageReactions({ messageList: [stored], maxUserCountPerReaction: 10 }).then((imResponse) => {
    imResponse.data.resultList.forEach((item: { messageID: string; reactionList: any[] }) => {
      item.reactionList.forEach((reaction) => render(`${item.messageID} ${reaction.reactionID} ${reaction.reactedByMyself}`));
    });
  });
  await chat
    .getAllUserListOfMessageReaction({ message: stored, reactionID: 'smile', nextSeq: 0, count: 100 })
    .then((imResponse) => {
      const { userList, nextSeq, isCompleted } = imResponse.data;
      render(`${userList.map((u: { nick: string }) => u.nick).join()} ${nextSeq} ${isCompleted}`);
    });
  await chat.removeMessageReaction(stored, 'smile');
  // Message extensions.
  chat.on(TencentCloudChat.EVENT.MESSAGE_EXTENSIONS_UPDATED, function (event: any) {
    const { messageID, extensions } = event.data;
    extensions.forEach((item: any) => render(`${messageID} ${item.key}=${item.value}`));
  });
  chat.on(TencentCloudChat.EVENT.MESSAGE_EXTENSIONS_DELETED, function (event: any) {
    const { messageID, keyList } = event.data;
    render(`${messageID} ${keyList.join()}`);
  });
  await chat.setMessageExtensions(stored, [{ key: 'a', value: '1' }]).then((imResponse) => {
    imResponse.data.extensions.forEach((item: any) => render(`${item.code} ${item.key} ${item.value}`));
  });
  await chat.getMessageExtensions(stored).then((imResponse) => {
    imResponse.data.extensions.forEach((item: any) => render(`${item.key}=${item.value}`));
  });
  await chat.deleteMessageExtensions(stored, ['a']);
  // Searching messages, as Tencent's documentation writes it.
  await chat
    .searchCloudMessages({
      keywordList: ['hello', 'world'],
      keywordListMatchType: 'and',
      conversationID: 'GROUPgroup1',
      timePosition: Number((new Date().getTime() / 1000).toFixed(0)),
      timePeriod: 24 * 60 * 60,
      senderUserIDList: [],
      messageTypeList: [TencentCloudChat.TYPES.MSG_TEXT],
      cursor: '',
    })
    .then((imResponse) => {
      const { totalCount, cursor, searchResultList } = imResponse.data;
      for (let i = 0; i < searchResultList.length; i++) {
        const { conversationID, messageCount, messageList } = searchResultList[i]!;
        render(`${conversationID} ${messageCount} ${messageList.map(describeMessage).join()} ${totalCount} ${cursor}`);
      }
    });
  await chat.revokeMessage(stored).then(
    (imResponse) => render(String(imResponse.data.message.isRevoked)),
    (imError) => console.warn('revokeMessage error:', imError),
  );
  await chat.deleteMessage([stored]).then((imResponse) => render(String(imResponse.data.messageList.length)));

  // The blocklist: each call's data is the whole list of userIDs.
  await chat.addToBlacklist({ userIDList: ['user1', 'user2'] }).then((imResponse) => render(imResponse.data.join()));
  await chat.removeFromBlacklist({ userIDList: ['user1'] }).then((imResponse) => render(imResponse.data.join()));
  await chat.getBlacklist().then((imResponse) => render((imResponse.data as string[]).join()));

  // Friends, as Tencent's documentation writes them, its friend group included.
  await chat
    .addFriend({
      to: 'user1',
      source: 'AddSource_Type_Web',
      remark: 'Jr',
      groupName: '好友',
      wording: 'Hi',
      type: TencentCloudChat.TYPES.SNS_ADD_TYPE_BOTH,
    })
    .then((imResponse) => {
      const { code } = imResponse.data;
      if (code === 30539) render('waiting for user1 to accept');
      else if (code === 0) render('user1 added');
    });
  chat.on(TencentCloudChat.EVENT.FRIEND_LIST_UPDATED, (event: any) => render(String(event.data.length)));
  await chat.getFriendList().then((imResponse) => render(imResponse.data.map((f: any) => f.remark || f.userID).join()));
  await chat.getFriendApplicationList().then((imResponse) => {
    const { friendApplicationList, unreadCount } = imResponse.data;
    render(`${friendApplicationList.length} requests, ${unreadCount} unread`);
  });
  await chat.acceptFriendApplication({ userID: 'user2', remark: 'Two', type: TencentCloudChat.TYPES.SNS_APPLICATION_AGREE_AND_ADD });
  await chat.checkFriend({ userIDList: ['user1'], type: TencentCloudChat.TYPES.SNS_CHECK_TYPE_BOTH }).then((imResponse) => {
    const { successUserIDList } = imResponse.data;
    render(successUserIDList.map((item: any) => `${item.userID} ${item.relation}`).join());
  });
  await chat.updateMyProfile({ allowType: TencentCloudChat.TYPES.ALLOW_TYPE_NEED_CONFIRM });

  // Friend groups: each call's data as Tencent's.
  chat.on(TencentCloudChat.EVENT.FRIEND_GROUP_LIST_UPDATED, (event: any) => render(event.data.map((g: any) => g.name).join()));
  await chat.getFriendGroupList().then((imResponse) => {
    const friendGroupList = imResponse.data; // FriendGroup[]
    render(friendGroupList.map((g: any) => `${g.name} ${g.count}`).join());
  });
  await chat.createFriendGroup({ name: 'Work', userIDList: ['user1', 'user2'] }).then((imResponse) => {
    const { friendGroup, failureUserIDList } = imResponse.data;
    render(`${friendGroup.name}: ${friendGroup.userIDList.join()}; not friends: ${failureUserIDList.map((f: any) => f.userID).join()}`);
  });
  await chat.addToFriendGroup({ name: 'Work', userIDList: ['user3'] }).then((imResponse) => render(String(imResponse.data.friendGroup.count)));
  await chat.removeFromFriendGroup({ name: 'Work', userIDList: ['user2'] }).then((imResponse) => render(String(imResponse.data.friendGroup.count)));
  await chat.renameFriendGroup({ oldName: 'Work', newName: 'Colleagues' }).then((imResponse) => render(imResponse.data.name));
  await chat.deleteFriendGroup({ name: 'Colleagues' }).then((imResponse) => render(imResponse.data.name));

  // Searching users, groups and group members, as Tencent's documentation writes it.
  await chat
    .searchCloudUsers({ keywordList: ['alice'], keywordListMatchType: 'or', cursor: '', count: 20 })
    .then((imResponse) => {
      const { searchResultList, cursor, totalCount } = imResponse.data;
      searchResultList.forEach((profile: Profile) => render(`${profile.userID} ${profile.nick}`));
      render(`${cursor} ${totalCount}`);
    });
  await chat
    .searchCloudGroups({
      keywordList: ['team'],
      groupTypeList: [TencentCloudChat.TYPES.GRP_PUBLIC, TencentCloudChat.TYPES.GRP_MEETING],
    })
    .then((imResponse) => imResponse.data.searchResultList.forEach((group: Group) => render(group.name)));
  await chat.searchCloudGroupMembers({ keywordList: ['bob'], groupIDList: ['group1'] }).then((imResponse) => {
    imResponse.data.searchResultList.forEach(({ groupInfo, memberList }: any) => {
      render(`${groupInfo.name}: ${memberList.map((member: any) => member.nameCard || member.nick).join()}`);
    });
  });

  // Group counters.
  chat.on(TencentCloudChat.EVENT.GROUP_COUNTER_UPDATED, (event: any) => {
    const { groupID, key, value } = event.data;
    render(`${groupID} ${key}=${value}`);
  });
  await chat.setGroupCounters({ groupID: 'group1', counters: { key1: 1, key2: 2 } }).then((imResponse) => {
    render(JSON.stringify(imResponse.data.counters));
  });
  await chat.increaseGroupCounter({ groupID: 'group1', key: 'key1', value: 1 }).then((imResponse) => {
    render(String(imResponse.data.counters.key1));
  });
  await chat.decreaseGroupCounter({ groupID: 'group1', key: 'key1', value: 1 });
  await chat.getGroupCounters({ groupID: 'group1', keyList: ['key1', 'key2'] }).then((imResponse) => {
    render(JSON.stringify(imResponse.data.counters));
  });

  // Group attributes.
  chat.on(TencentCloudChat.EVENT.GROUP_ATTRIBUTES_UPDATED, (event: any) => {
    const { groupID, groupAttributes, updatedKeyList, deletedKeyList } = event.data;
    render(`${groupID} ${JSON.stringify(groupAttributes)} ${updatedKeyList} ${deletedKeyList}`);
  });
  await chat.initGroupAttributes({ groupID: 'group1', groupAttributes: { key1: 'value1', key2: 'value2' } }).then((imResponse) => {
    render(JSON.stringify(imResponse.data.groupAttributes));
  });
  await chat.setGroupAttributes({ groupID: 'group1', groupAttributes: { key1: 'value3' } });
  await chat.deleteGroupAttributes({ groupID: 'group1', keyList: ['key2'] }).then((imResponse) => {
    render(imResponse.data.keyList.join());
  });
  await chat.getGroupAttributes({ groupID: 'group1', keyList: [] }).then((imResponse) => {
    render(JSON.stringify(imResponse.data.groupAttributes));
  });

  // Signalling, as Tencent's documentation and TUICallKit write it.
  let onNewInvitationReceived = function (event: any) {
    const { inviteID, inviter, groupID, inviteeList, data } = event.data;
    render(`${inviteID} from ${inviter} ${groupID} ${inviteeList.join()} ${data}`);
    chat.accept({ inviteID, data: JSON.stringify({ accepted: true }) }).catch((imError: any) => render(String(imError.code)));
  };
  chat.addSignalingListener(TencentCloudChat.TSignaling.NEW_INVITATION_RECEIVED, onNewInvitationReceived);
  chat.addSignalingListener(TencentCloudChat.TSignaling.INVITEE_ACCEPTED, (event: any) => render(event.data.invitee));
  chat.addSignalingListener(TencentCloudChat.TSignaling.INVITATION_TIMEOUT, (event: any) => render(String(event.data.isSelfTimeout)));
  const invitation = await chat.invite({
    userID: 'user1',
    data: JSON.stringify({ businessID: 1, inviteID: '', call_type: 1 }),
    timeout: 30,
    offlinePushInfo: { title: 'Alice', description: 'is calling you', extension: '' },
  });
  render(invitation.inviteID);
  await chat.modifyInvitation({ inviteID: invitation.inviteID, data: JSON.stringify({ call_type: 2 }) });
  await chat.cancel({ inviteID: invitation.inviteID, data: '' });
  chat.inviteInGroupSync(
    { groupID: 'group1', inviteeList: ['user1', 'user2'], data: '', timeout: 30 },
    (result: { inviteID: string }) => render(result.inviteID),
    (code: number, message: string) => render(`${code} ${message}`),
  );
  await chat.reject({ inviteID: invitation.inviteID }).catch((imError: any) => render(String(imError.code)));
  const signaling = chat.getSignalingInfo(stored);
  if (signaling !== null && signaling.actionType === TencentCloudChat.TSignaling.ACTION_TYPE_INVITE) render(signaling.data);
  chat.removeSignalingListener(TencentCloudChat.TSignaling.NEW_INVITATION_RECEIVED, onNewInvitationReceived);

  // Following.
  await chat.followUser(['user1', 'user2']).then((imResponse) => {
    imResponse.data.forEach((item: any) => render(`${item.userID} ${item.resultCode} ${item.resultInfo}`));
  });
  await chat.getMyFollowersList().then((imResponse) => {
    const { resultList, nextCursor } = imResponse.data;
    render(`${resultList.map((user: any) => user.nick || user.userID).join()} ${nextCursor}`);
  });
  await chat.getUserFollowInfo(['user1']).then((imResponse) => {
    imResponse.data.forEach((info: any) => render(`${info.followersCount} ${info.followingCount} ${info.mutualFollowersCount}`));
  });
  await chat.checkFollowType(['user1']).then((imResponse) => {
    imResponse.data.forEach((item: any) => render(`${item.userID} ${item.followType}`));
  });
  await chat.unfollowUser(['user1']);
  chat.on(TencentCloudChat.EVENT.MY_FOLLOWERS_LIST_UPDATED, (event: any) => {
    const { userInfoList, isAdd } = event.data;
    render(`${isAdd} ${userInfoList.map((user: any) => (isAdd ? user.userID : user)).join()}`);
  });

  // The option for all messages: quiet hours from 22:00 for 8 hours, every day.
  chat.on(TencentCloudChat.EVENT.ALL_RECEIVE_MESSAGE_OPT_UPDATED, (event: any) => {
    render(`${event.data.messageRemindType} ${event.data.startTime} ${event.data.endTime}`);
  });
  await chat.setAllReceiveMessageOpt({
    messageRemindType: TencentCloudChat.TYPES.MSG_REMIND_ACPT_NOT_NOTE,
    startHour: 22,
    startMinute: 0,
    startSecond: 0,
    duration: 8 * 60 * 60,
    isRepeated: true,
  });
  await chat.getAllReceiveMessageOpt().then((imResponse) => {
    const { messageRemindType, startTime, endTime, isRepeated } = imResponse.data;
    render(`${messageRemindType} ${startTime} ${endTime} ${isRepeated}`);
  });

  // A member's custom fields in a group.
  await chat
    .setGroupMemberCustomField({ groupID: 'group1', memberCustomField: [{ key: 'title', value: 'dev' }] })
    .then((imResponse) => render(JSON.stringify(imResponse.data.member.memberCustomField)));

  // Translation and speech to text, by the services the server's operator set up.
  await chat
    .translateText({ sourceTextList: ['hello'], sourceLanguage: 'auto', targetLanguage: 'zh' })
    .then((imResponse) => render(imResponse.data.translatedTextList.join(' ')))
    .catch((imError) => render(imError.message));
  await chat
    .convertVoiceToText({ message: stored, language: 'en-US' })
    .then((imResponse) => render(imResponse.data.result))
    .catch((imError) => render(`${imError.code}`));
  await chat.updateMyProfile({ nick: 'me' }).catch((imError) => render(imError.message));
  const found: Message | null = chat.findMessage(stored.ID);
  render(String(found?.sequence));
  render(String(chat.getServerTime()));
  render(String(TencentCloudChat.TSignaling.NEW_INVITATION_RECEIVED));

  await chat.logout();
  await chat.destroy();
}

void main();
