/**
 * The exactly-once rules of delivery.ts and the conversions of convert.ts, as pure functions: no
 * server, every awkward ordering played directly.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Delivery, idAbove } from '../src/delivery.js';
import {
  messageForShow,
  normalizePayload,
  recalledText,
  showsEnglish,
  toConversation,
  toFriend,
  toFriendApplication,
  toFriendGroup,
  toGroup,
  toLastMessage,
  toMessage,
  toProfile,
} from '../src/convert.js';
import { MessageCache } from '../src/messages.js';
import { TYPES } from '../src/constants.js';
import type { WireConversation, WireMessage } from '../src/wire.js';

let nextID = 100;
function msg(conversationID: string, seq: number, extra: Partial<WireMessage> = {}): WireMessage {
  nextID += 1;
  return {
    messageID: String(nextID),
    conversationID,
    seq,
    from: 'bob',
    time: 1_763_700_000_000 + nextID,
    type: 'TIMTextElem',
    payload: { text: `${conversationID}#${seq}` },
    clientMsgID: null,
    cloudCustomData: '',
    isRevoked: false,
    revoker: null,
    nick: '',
    avatar: '',
    ...extra,
  };
}

function conv(conversationID: string, last: WireMessage | null, extra: Partial<WireConversation> = {}): WireConversation {
  return {
    conversationID,
    type: 'C2C',
    unreadCount: 0,
    lastMessage: last && {
      messageID: last.messageID,
      seq: last.seq,
      from: last.from,
      time: last.time,
      type: last.type,
      payload: last.payload,
      cloudCustomData: last.cloudCustomData,
      isRevoked: last.isRevoked,
      revoker: last.revoker,
      nick: last.nick,
    },
    clearedToSeq: 0,
    peerReadSeq: 0,
    isPinned: false,
    isArchived: false,
    messageRemindType: 'AcceptAndNotify',
    markList: [],
    conversationGroupList: [],
    draftText: '',
    customData: '',
    version: 1,
    userProfile: null,
    groupProfile: null,
    ...extra,
  };
}

const seqs = (list: WireMessage[]) => list.map((m) => `${m.conversationID}#${m.seq}`);

describe('Delivery', () => {
  test('history at login is not news; live messages after it are, once', () => {
    const d = new Delivery();
    const old = msg('C2Cbob', 3);
    d.seed([conv('C2Cbob', old)], { reset: false });
    assert.deepEqual(d.live([msg('C2Cbob', 4)]), [], 'held until the first catch-up is done');
    assert.deepEqual(seqs(d.release()), ['C2Cbob#4']);
    assert.deepEqual(seqs(d.live([msg('C2Cbob', 3), msg('C2Cbob', 5), msg('C2Cbob', 5)])), ['C2Cbob#5']);
    assert.deepEqual(d.gaps(), []);
  });

  test("the instance's own sends are never delivered, but count as seen", () => {
    const d = new Delivery();
    d.seed([], { reset: false });
    d.release();
    d.addOwn('mine-1');
    assert.deepEqual(d.live([msg('C2Cbob', 1, { from: 'alice', clientMsgID: 'mine-1' })]), []);
    assert.deepEqual(seqs(d.live([msg('C2Cbob', 2, { from: 'alice', clientMsgID: 'other-tab' })])), ['C2Cbob#2']);
    assert.deepEqual(d.gaps(), []);
  });

  test('a gap left by a lost connection is filled once, with pushes during the catch-up held', () => {
    const d = new Delivery();
    const m1 = msg('C2Cbob', 1);
    d.seed([conv('C2Cbob', m1)], { reset: false });
    d.release();
    d.connectionLost();
    const [m2, m3, m4] = [msg('C2Cbob', 2), msg('C2Cbob', 3), msg('C2Cbob', 4)];
    d.hold(); // new connection ready
    assert.deepEqual(d.live([m3]), [], 'pushed during the catch-up: held');
    d.noteConversations([conv('C2Cbob', m3)], { live: false }); // the sync
    const [gap] = d.gaps();
    assert.deepEqual(gap, { conversationID: 'C2Cbob', afterSeq: 1, afterID: m1.messageID, afterTimeMs: 0 });
    assert.deepEqual(seqs(d.fill(gap!, [m1, m2, m3])), ['C2Cbob#2', 'C2Cbob#3']);
    assert.deepEqual(d.live([m4]), [], 'still held');
    assert.deepEqual(seqs(d.release()), ['C2Cbob#4'], 'm3 was fetched already: only m4');
    assert.deepEqual(d.gaps(), []);
  });

  test('a catch-up that fails keeps the gap; the held pushes are dropped and refetched later', () => {
    const d = new Delivery();
    const m1 = msg('C2Cbob', 1);
    d.seed([conv('C2Cbob', m1)], { reset: false });
    d.release();
    d.alive(m1.time);
    d.connectionLost();
    d.hold();
    const m2 = msg('C2Cbob', 2);
    d.live([m2]);
    d.noteConversations([conv('C2Cbob', m2)], { live: true }); // arrives while held: not trusted
    // The catch-up fails; the connection is lost again before another one completes.
    d.connectionLost();
    d.hold();
    const [gap] = d.gaps();
    assert.equal(gap!.afterSeq, 1);
    assert.equal(gap!.afterID, m1.messageID, 'the bound of the first loss is kept');
    assert.deepEqual(seqs(d.fill(gap!, [m1, m2])), ['C2Cbob#2']);
    assert.deepEqual(d.release(), []);
  });

  test('a conversation never seen: only what was sent after the connection was last alive', () => {
    const d = new Delivery();
    const revived = msg('C2Ccarol', 1, { time: 1_763_600_000_000 }); // old history, revived while offline
    const known = msg('C2Cbob', 1);
    d.seed([conv('C2Cbob', known)], { reset: false });
    d.release();
    d.alive(known.time + 1_000);
    d.connectionLost();
    d.hold();
    const fresh = msg('C2Ccarol', 2, { time: known.time + 60_000 });
    d.noteConversations([conv('C2Ccarol', fresh)], { live: false });
    const [gap] = d.gaps();
    assert.equal(gap!.afterSeq, undefined);
    assert.deepEqual(seqs(d.fill(gap!, [revived, fresh])), ['C2Ccarol#2']);
    assert.deepEqual(d.gaps(), []);
  });

  test('without any bound (no message ever seen, no frame) a never-seen conversation delivers by time only', () => {
    const d = new Delivery();
    d.seed([], { reset: false });
    d.release();
    d.alive(1_000_000);
    d.connectionLost();
    d.hold();
    const m = msg('C2Cnew', 1, { time: 2_000_000 });
    d.noteConversations([conv('C2Cnew', m)], { live: false });
    const [gap] = d.gaps();
    assert.equal(gap!.afterID, '');
    assert.deepEqual(seqs(d.fill(gap!, [m])), ['C2Cnew#1']);
  });

  test('Discard conversations are never delivered, and leave no gap', () => {
    const d = new Delivery();
    d.seed([], { reset: false });
    d.release();
    d.connectionLost();
    d.hold();
    d.noteConversations([conv('GROUPquiet', msg('GROUPquiet', 9), { messageRemindType: 'Discard' })], { live: false });
    assert.deepEqual(d.gaps(), []);
  });

  test('a conversation first seen live (not during a catch-up) has no gap', () => {
    const d = new Delivery();
    d.seed([], { reset: false });
    d.release();
    d.noteConversations([conv('C2Cpinned', msg('C2Cpinned', 7))], { live: true });
    assert.deepEqual(d.gaps(), []);
  });

  test('message IDs compare as numbers of any length', () => {
    assert.equal(idAbove('10', '9'), true);
    assert.equal(idAbove('9', '10'), false);
    assert.equal(idAbove('123', '123'), false);
    assert.equal(idAbove('1', ''), true);
    assert.equal(idAbove('', ''), false);
  });
});

describe('conversions', () => {
  test("messageForShow: the text, or Tencent's placeholder", () => {
    assert.equal(messageForShow('TIMTextElem', { text: 'hi' }), 'hi');
    assert.equal(messageForShow('TIMCustomElem', { data: 'x' }), '[Custom Messages]');
    assert.equal(messageForShow('TIMImageElem', {}), '[Image]');
    assert.equal(messageForShow('TIMSoundElem', {}), '[Voice]');
    assert.equal(messageForShow('TIMVideoFileElem', {}), '[Video]');
    assert.equal(messageForShow('TIMFileElem', {}), '[File]');
    assert.equal(messageForShow('TIMLocationElem', {}), '[Location]');
    assert.equal(messageForShow('TIMFaceElem', {}), '[Animated Sticker]');
    assert.equal(messageForShow('TIMGroupTipElem', {}), '[Group Notification]');
    assert.equal(messageForShow('TIMGroupSystemNoticeElem', {}), '[Group System Message]');
    assert.equal(messageForShow('TIMRelayElem', {}), '[Chat Record]');
    assert.equal(messageForShow('', null), '');
    // In Chinese, as Tencent's SDK shows them to apps of the other SDKAppIDs.
    assert.equal(messageForShow('TIMImageElem', {}, false), '[图片]');
    assert.equal(messageForShow('TIMRelayElem', {}, false), '[聊天记录]');
    assert.equal(messageForShow('TIMTextElem', { text: 'hi' }, false), 'hi');
  });

  test("the placeholders' language follows the SDKAppID, as Tencent's SDK chooses it", () => {
    for (const international of [0, 20_000_000, 89_999_999, 1_720_000_000, 1_789_999_999]) {
      assert.equal(showsEnglish(international), true, `${international}`);
    }
    for (const chinese of [1_400_187_352, 19_999_999, 90_000_000, 1_790_000_000]) {
      assert.equal(showsEnglish(chinese), false, `${chinese}`);
    }
  });

  test('custom payloads always read as { data, description, extension }', () => {
    assert.deepEqual(normalizePayload('TIMCustomElem', { data: 'd' }), { data: 'd', description: '', extension: '' });
    assert.deepEqual(normalizePayload('TIMCustomElem', { kind: 'raw' }), { data: '{"kind":"raw"}', description: '', extension: '' });
    assert.deepEqual(normalizePayload('TIMTextElem', { text: 't' }), { text: 't' });
  });

  test('flow, to and conversationType from the logged-in user’s side', () => {
    const c2cIn = toMessage(msg('C2Cbob', 1, { from: 'bob' }), 'alice');
    assert.deepEqual([c2cIn.flow, c2cIn.to, c2cIn.conversationType], ['in', 'alice', 'C2C']);
    const c2cOut = toMessage(msg('C2Cbob', 2, { from: 'alice' }), 'alice');
    assert.deepEqual([c2cOut.flow, c2cOut.to], ['out', 'bob']);
    const group = toMessage(msg('GROUPteam', 1, { from: 'bob' }), 'alice');
    assert.deepEqual([group.flow, group.to, group.conversationType], ['in', 'team', 'GROUP']);
    const notice = toMessage(msg('@TIM#SYSTEM', 1, { from: '@TIM#SYSTEM', type: undefined, payload: { type: 'groupDismissed' } }), 'alice');
    assert.deepEqual([notice.to, notice.conversationType, notice.isSystemMessage, notice.type], ['alice', '@TIM#SYSTEM', true, 'TIMCustomElem']);
    // The server's own notices of group changes read as Tencent's group system notices.
    const dismissedWire = msg('@TIM#SYSTEM', 2, {
      from: '@TIM#SYSTEM',
      type: 'TIMCustomElem',
      payload: { type: 'groupDismissed', groupID: 'team' },
    });
    const dismissed = toMessage(dismissedWire, 'alice');
    assert.equal(dismissed.type, TYPES.MSG_GRP_SYS_NOTICE);
    assert.equal(dismissed.to, 'team', "addressed to its group, as Tencent's");
    assert.deepEqual(dismissed.payload, {
      groupProfile: { groupID: 'team' },
      operationType: 5,
      operatorID: '',
      handleMessage: '',
      authentication: '',
      messageKey: dismissedWire.time,
      userDefinedField: '',
    });
    // A request to join: the applicant and their words, and the group's name when the SDK holds it.
    const request = toMessage(
      msg('@TIM#SYSTEM', 5, {
        from: '@TIM#SYSTEM',
        type: 'TIMCustomElem',
        payload: { type: 'groupJoinRequest', groupID: 'team', operatorID: 'bob', message: 'let me in' },
      }),
      'alice',
      (groupID) => (groupID === 'team' ? 'Team' : undefined),
    );
    assert.deepEqual(
      [request.to, request.payload.groupProfile, request.payload.operationType, request.payload.operatorID, request.payload.handleMessage],
      ['team', { groupID: 'team', name: 'Team' }, 1, 'bob', 'let me in'],
    );
    for (const [type, operationType] of [['groupJoinApproved', 2], ['groupJoinRejected', 3]] as const) {
      const answer = toMessage(
        msg('@TIM#SYSTEM', 6, { from: '@TIM#SYSTEM', type: 'TIMCustomElem', payload: { type, groupID: 'team', operatorID: 'carol', message: 'ok' } }),
        'alice',
      );
      assert.deepEqual(
        [answer.payload.groupProfile, answer.payload.operationType, answer.payload.operatorID, answer.payload.handleMessage],
        [{ groupID: 'team' }, operationType, 'carol', 'ok'],
      );
    }
    const removed_wire = () =>
      msg('@TIM#SYSTEM', 3, { from: '@TIM#SYSTEM', type: 'TIMCustomElem', payload: { type: 'groupMemberRemoved', groupID: 'team' } });
    const removed = toMessage(
      msg('@TIM#SYSTEM', 3, { from: '@TIM#SYSTEM', type: 'TIMCustomElem', payload: { type: 'groupMemberRemoved', groupID: 'team' } }),
      'alice',
    );
    assert.deepEqual([removed.type, removed.payload.operationType, removed.to], [TYPES.MSG_GRP_SYS_NOTICE, 4, 'team']);
    const elsewhere = toMessage(msg('C2Cbob', 4, { from: 'bob', type: 'TIMCustomElem', payload: { type: 'groupDismissed', groupID: 'team' } }), 'alice');
    assert.equal(elsewhere.type, TYPES.MSG_CUSTOM, 'only in the system conversation');
    const system = toConversation(conv('@TIM#SYSTEM', removed_wire()), 'alice');
    assert.deepEqual([system.lastMessage.type, system.lastMessage.messageForShow], [TYPES.MSG_GRP_SYS_NOTICE, '[Group System Message]']);
    assert.equal(c2cIn.time, Math.floor(c2cIn.time), 'whole seconds');
  });

  test("a group tip: Tencent's payload, and the nick of whom it is about", () => {
    const payload = {
      operationType: 3,
      operatorID: 'alice',
      userIDList: ['carol', 'dave'],
      memberList: [
        { userID: 'carol', nick: 'Carol', avatar: 'c.png' },
        { userID: 'dave', nick: '', avatar: '' },
      ],
      memberCount: 2,
    };
    const wire = msg('GROUPteam', 5, { from: 'alice', nick: 'Alice', avatar: 'a.png', type: 'TIMGroupTipElem', payload });
    const removed = toMessage(wire, 'bob');
    assert.deepEqual(removed.payload, { ...payload, memberNum: 2, groupProfile: { groupID: 'team' } });
    assert.deepEqual([removed.nick, removed.avatar], ['Carol', 'c.png'], 'the first removed, as Tencent’s');
    const last = toConversation(conv('GROUPteam', wire, { type: 'GROUP' }), 'bob').lastMessage;
    assert.deepEqual([last.payload, last.messageForShow, last.nick], [removed.payload, '[Group Notification]', 'Alice']);
    // a tip of a profile change shows its operator
    const edit = { ...payload, operationType: 6, userIDList: ['alice'], memberList: [], newGroupProfile: { groupName: 'Crew' } };
    const edited = toMessage(msg('GROUPteam', 6, { from: 'alice', nick: 'Alice', type: 'TIMGroupTipElem', payload: edit }), 'bob');
    assert.deepEqual([edited.nick, edited.payload.newGroupProfile], ['Alice', { groupName: 'Crew' }]);
    // one a client sent before the server refused them: the empty values, the operator as the one named
    const forged = toMessage(msg('GROUPteam', 7, { from: 'alice', type: 'TIMGroupTipElem', payload: { userIDList: 'x' } }), 'bob');
    assert.deepEqual(forged.payload, {
      operationType: 0,
      operatorID: 'alice',
      userIDList: ['alice'],
      memberList: [],
      memberCount: 0,
      memberNum: 0,
      groupProfile: { groupID: 'team' },
    });
    // a new profile of the one a tip names reaches it; the operator's does not
    const cache = new MessageCache();
    cache.remember(removed);
    cache.applyProfile('alice', 'Alice L.', '');
    assert.equal(removed.nick, 'Carol');
    cache.applyProfile('carol', 'Caroline', 'new.png');
    assert.deepEqual([removed.nick, removed.avatar], ['Caroline', 'new.png']);
  });

  test('a message without a type (an older server): a bare { text } is text, anything else custom', () => {
    assert.equal(toMessage(msg('C2Cbob', 1, { type: undefined, payload: { text: 'x' } }), 'alice').type, 'TIMTextElem');
    assert.equal(toMessage(msg('C2Cbob', 1, { type: undefined, payload: { text: 'x', more: 1 } }), 'alice').type, 'TIMCustomElem');
    assert.equal(toMessage(msg('C2Cbob', 1, { type: 'TIMSomethingNew' }), 'alice').type, 'TIMCustomElem');
  });

  test('a conversation carries the profile that fits its type, built from the ID when the server sent none', () => {
    const c = toConversation(conv('C2Cbob', null), 'alice');
    assert.equal(c.userProfile.userID, 'bob');
    assert.equal(c.groupProfile, undefined);
    assert.deepEqual(c.lastMessage, toLastMessage(null, 'alice'));
    const g = toConversation(conv('GROUPteam', null, { type: 'GROUP', groupProfile: { groupID: 'team', name: 'Team', avatar: '', type: 'Private' } }), 'alice');
    assert.equal(g.groupProfile.name, 'Team');
    assert.equal(g.subType, 'Private');
    assert.equal(g.userProfile, undefined);
    const s = toConversation(conv('@TIM#SYSTEM', null, { type: '@TIM#SYSTEM' }), 'alice');
    assert.equal(s.userProfile, undefined);
    assert.equal(s.groupProfile, undefined);
  });

  test('a recalled last message shows who recalled it, in the words of Tencent\'s docs and UI kits', () => {
    const stub = msg('GROUPteam', 4, { from: 'bob', nick: 'Bob', payload: {}, isRevoked: true, revoker: 'bob' });
    const theirs = toConversation(conv('GROUPteam', stub, { type: 'GROUP' }), 'alice').lastMessage;
    assert.deepEqual([theirs.isRevoked, theirs.revoker, theirs.nick, theirs.messageForShow], [true, 'bob', 'Bob', 'Bob recalled a message']);
    const mine = toLastMessage({ ...toWireLast(stub), from: 'alice', revoker: 'alice' }, 'alice');
    assert.equal(mine.messageForShow, 'You recalled a message');
    assert.equal(recalledText('alice', '', 'moderator-1', 'alice'), 'moderator-1 recalled a message');
    assert.equal(recalledText('bob', '', 'bob', 'alice'), 'bob recalled a message', 'no nick: the userID');
    assert.equal(recalledText('bob', 'Bob', 'admin', 'alice'), 'admin recalled a message', 'the app backend');
    const live = toLastMessage(toWireLast(msg('C2Cbob', 5)), 'alice');
    assert.deepEqual([live.isRevoked, live.revoker], [false, null]);
  });

  test('a recalled message is a stub: isRevoked, revoker, an empty payload of its type', () => {
    const text = toMessage(msg('C2Cbob', 1, { payload: {}, isRevoked: true, revoker: 'bob' }), 'alice');
    assert.deepEqual([text.isRevoked, text.revoker, text.revokerInfo.userID], [true, 'bob', 'bob']);
    const custom = toMessage(msg('C2Cbob', 2, { type: 'TIMCustomElem', payload: {}, isRevoked: true, revoker: 'bob' }), 'alice');
    assert.deepEqual(custom.payload, { data: '', description: '', extension: '' });
  });

  test("profiles and groups in Tencent's shapes", () => {
    const p = toProfile({
      userID: 'bob',
      nick: 'Bob',
      avatar: 'a.png',
      customFields: { team: 'blue' },
      allowType: 'AllowType_Type_DenyAny',
    });
    assert.deepEqual([p.userID, p.nick, p.avatar], ['bob', 'Bob', 'a.png']);
    assert.deepEqual(p.profileCustomField, [{ key: 'team', value: 'blue' }]);
    assert.equal(p.allowType, 'AllowType_Type_DenyAny', "the server's");
    assert.equal(toProfile({ userID: 'bob', nick: 'Bob', avatar: '' }).allowType, '', 'not said (a conversation’s userProfile): empty');
    const g = toGroup({ groupID: 'team', name: 'Team', avatar: '', type: 'Public', notification: 'hi', memberCount: 3, isDismissed: false }, { userID: 'alice' });
    assert.deepEqual([g.selfInfo.userID, g.selfInfo.role], ['alice', ''], 'no selfRole: no role, as Tencent’s before it knows');
    assert.deepEqual([g.name, g.type, g.notification, g.memberCount, g.isDismissed], ['Team', 'Public', 'hi', 3, false]);
  });

  test("friends, friend requests and friend groups in Tencent's shapes, times in seconds", () => {
    const profile = {
      userID: 'bob',
      nick: 'Bob',
      avatar: '',
      customFields: {},
      allowType: 'AllowType_Type_AllowAny' as const,
      gender: 'Gender_Type_Male' as const,
      birthday: 20000101,
      location: '',
      selfSignature: 'hi',
      language: 0,
      level: 0,
      role: 0,
      adminForbidType: 'AdminForbid_Type_None' as const,
    };
    const friend = toFriend({
      userID: 'bob',
      remark: 'B',
      source: 'AddSource_Type_Web',
      wording: 'hi',
      addTime: 1_700_000_123_456,
      groupList: ['Work', 'Climbing'],
      profile,
      friendCustomField: [],
    });
    assert.deepEqual(
      { ...friend, profile: friend.profile.allowType },
      {
        userID: 'bob',
        remark: 'B',
        groupList: ['Work', 'Climbing'],
        source: 'AddSource_Type_Web',
        wording: 'hi',
        profile: 'AllowType_Type_AllowAny',
        friendCustomField: [],
        addTime: 1_700_000_123,
      },
    );
    const request = { userID: 'carol', nick: 'C', avatar: 'c.png', time: 1_700_000_999_999, source: 'AddSource_Type_Web', wording: '' };
    assert.deepEqual(toFriendApplication({ ...request, type: 'incoming' }), {
      ...request,
      time: 1_700_000_999,
      type: TYPES.SNS_APPLICATION_SENT_TO_ME,
    });
    assert.equal(toFriendApplication({ ...request, type: 'outgoing' }).type, TYPES.SNS_APPLICATION_SENT_BY_ME);
    const wireGroup = { name: 'Work', userIDList: ['bob', 'carol'], count: 2, createdMs: 1 };
    assert.deepEqual(toFriendGroup(wireGroup), { name: 'Work', userIDList: ['bob', 'carol'], count: 2 }, "Tencent's three fields only");
  });
});

describe('MessageCache', () => {
  test('a recall reaches the held object once, whichever way it comes', () => {
    const cache = new MessageCache();
    const held = cache.remember(toMessage(msg('C2Cbob', 1), 'alice'));
    const stub = toMessage(msg('C2Cbob', 1, { payload: {}, isRevoked: true, revoker: 'bob' }), 'alice');
    stub.ID = held.ID;
    assert.equal(cache.noteRecall(stub), held, 'the held object is told, marked');
    assert.deepEqual([held.isRevoked, held.revoker, held.payload], [true, 'bob', {}]);
    assert.equal(cache.noteRecall(stub), null, 'not twice');
  });

  test("the instance's own recall is not news; a message released after its recall arrives recalled", () => {
    const cache = new MessageCache();
    cache.noteOwnRecall('7', 'alice');
    const echo = toMessage(msg('C2Cbob', 1, { from: 'alice', payload: {}, isRevoked: true, revoker: 'alice' }), 'alice');
    echo.ID = '7';
    assert.equal(cache.noteRecall(echo), null);
    const late = toMessage(msg('C2Cbob', 2, { payload: { text: 'secret' } }), 'alice');
    late.ID = '7';
    cache.remember(late);
    assert.deepEqual([late.isRevoked, late.payload], [true, {}]);
  });

  test('deletions: forgotten, marked on the held objects, told once', () => {
    const cache = new MessageCache();
    const held = cache.remember(toMessage(msg('C2Cbob', 1), 'alice'));
    assert.deepEqual(cache.noteDeleted([held.ID, '999']), [held.ID, '999']);
    assert.equal(held.isDeleted, true);
    assert.equal(cache.get(held.ID), undefined);
    assert.deepEqual(cache.noteDeleted([held.ID]), []);
  });
});

function toWireLast(m: WireMessage): NonNullable<WireConversation['lastMessage']> {
  const { messageID, seq, from, time, type, payload, cloudCustomData, isRevoked, revoker, nick } = m;
  return { messageID, seq, from, time, type, payload, cloudCustomData, isRevoked, revoker, nick };
}
