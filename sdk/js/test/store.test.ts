/**
 * The local conversation list of store.ts against a cluster's pushes, calls' answers and syncs
 * arriving out of version order, played directly: no server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConversationStore } from '../src/store.js';
import type { WireConversation, WireSyncReply } from '../src/wire.js';

function conv(conversationID: string, version: number, extra: Partial<WireConversation> = {}): WireConversation {
  return {
    conversationID,
    type: 'C2C',
    unreadCount: 0,
    lastMessage: null,
    clearedToSeq: 0,
    peerReadSeq: 0,
    isPinned: false,
    isArchived: false,
    messageRemindType: 'AcceptAndNotify',
    markList: [],
    conversationGroupList: [],
    draftText: '',
    customData: '',
    version,
    userProfile: null,
    groupProfile: null,
    ...extra,
  };
}

function syncReply(version: number, changes: { conversationList?: WireConversation[]; deleted?: string[] }): WireSyncReply {
  return {
    conversationList: changes.conversationList ?? [],
    deletedConversationIDList: changes.deleted ?? [],
    messageChangeList: [],
    version,
    profileVersion: 0,
    resetRequired: false,
  };
}

/** A store after a full sync at `version` (as the SDK's first catch-up fills it). */
function loadedAt(version: number, conversations: WireConversation[]): ConversationStore {
  const store = new ConversationStore();
  store.beginLoad();
  store.replaceAll(conversations);
  store.noteVersion(version);
  return store;
}

const live = { trackVersion: false };
const listed = (store: ConversationStore) => store.list().map((c) => `${c.conversationID}@${c.version}`);

describe('ConversationStore: deletions against pushes out of order', () => {
  test('a push at or below a deletion does not bring the conversation back; a newer one does', () => {
    const store = loadedAt(10, [conv('C2Cbob', 8)]);
    assert.equal(store.remove(['C2Cbob'], 12), true);
    assert.equal(store.upsert([conv('C2Cbob', 11)], live), false, 'older than the deletion');
    assert.equal(store.upsert([conv('C2Cbob', 12)], live), false, 'at the deletion');
    assert.deepEqual(listed(store), []);
    assert.equal(store.upsert([conv('C2Cbob', 13)], live), true, 'a new message after the deletion');
    assert.deepEqual(listed(store), ['C2Cbob@13']);
  });

  test('a deletion older than the entry held does not remove it (it came back meanwhile)', () => {
    const store = loadedAt(10, [conv('C2Cbob', 8)]);
    store.upsert([conv('C2Cbob', 13)], live);
    assert.equal(store.remove(['C2Cbob'], 12), false);
    assert.deepEqual(listed(store), ['C2Cbob@13']);
    assert.equal(store.tombstoneCount, 0, 'nothing to hold against later objects');
  });

  test('a removal without a version drops the entry, and a later object brings it back', () => {
    const store = loadedAt(10, [conv('C2Cbob', 8)]);
    assert.equal(store.remove(['C2Cbob'], null), true);
    assert.equal(store.upsert([conv('C2Cbob', 11)], live), true);
    assert.deepEqual(listed(store), ['C2Cbob@11']);
  });

  test('archived or HIDE-marked: an older push does not bring the conversation back', () => {
    const store = loadedAt(10, [conv('C2Cbob', 8), conv('C2Ccarol', 9)]);
    assert.equal(store.upsert([conv('C2Cbob', 12, { isArchived: true })], live), true);
    assert.equal(store.upsert([conv('C2Ccarol', 13, { markList: [8] })], live), true);
    assert.equal(store.upsert([conv('C2Cbob', 11), conv('C2Ccarol', 12)], live), false);
    assert.deepEqual(listed(store), []);
    store.upsert([conv('C2Cbob', 14), conv('C2Ccarol', 15)], live);
    assert.deepEqual(listed(store), ['C2Ccarol@15', 'C2Cbob@14'], 'restored and unmarked');
  });

  test("a conversation a load did not show: a push at or below the load's version is older than the load", () => {
    const store = loadedAt(10, [conv('C2Ccarol', 9)]);
    assert.equal(store.upsert([conv('C2Cbob', 7)], live), false);
    assert.equal(store.upsert([conv('C2Cbob', 10)], live), false);
    assert.equal(store.upsert([conv('C2Cbob', 11)], live), true);
    assert.deepEqual(listed(store), ['C2Cbob@11', 'C2Ccarol@9']);
  });
});

describe("ConversationStore: a sync's tombstones", () => {
  test("hold at the sync's version, and leave an entry pushed newer meanwhile", () => {
    const store = loadedAt(10, [conv('C2Cbob', 8), conv('C2Ccarol', 9)]);
    store.upsert([conv('C2Ccarol', 15)], live); // carol wrote again after the sync's snapshot
    assert.equal(store.applySync(syncReply(14, { deleted: ['C2Cbob', 'C2Ccarol'] })), true);
    assert.deepEqual(listed(store), ['C2Ccarol@15']);
    assert.equal(store.upsert([conv('C2Cbob', 13)], live), false, 'a push from before the sync');
    assert.equal(store.upsert([conv('C2Cbob', 15)], live), true);
    assert.deepEqual(listed(store), ['C2Ccarol@15', 'C2Cbob@15']);
  });

  test('a sync older than one already applied does not bring back what the newer one removed', () => {
    const store = loadedAt(10, [conv('C2Cbob', 8)]);
    store.applySync(syncReply(20, { deleted: ['C2Cbob'] }));
    assert.equal(store.applySync(syncReply(15, { conversationList: [conv('C2Cbob', 14)] })), false);
    assert.deepEqual(listed(store), []);
    assert.equal(store.version, 20);
  });
});

describe('ConversationStore: deletions during a full load', () => {
  test("a page from before the deletion does not bring it back; one showing it back newer does", () => {
    const store = loadedAt(10, [conv('C2Cbob', 8)]);
    store.beginLoad();
    store.remove(['C2Cbob'], 12);
    store.replaceAll([conv('C2Cbob', 11)]);
    assert.deepEqual(listed(store), []);

    store.beginLoad();
    store.remove(['C2Cbob'], 14);
    store.replaceAll([conv('C2Cbob', 15)]);
    assert.deepEqual(listed(store), ['C2Cbob@15']);
  });

  test('a removal without a version keeps the load from bringing the entry back', () => {
    const store = loadedAt(10, [conv('C2Cbob', 8)]);
    store.beginLoad();
    store.remove(['C2Cbob'], null);
    store.replaceAll([conv('C2Cbob', 15)]);
    assert.deepEqual(listed(store), []);
  });
});

describe('ConversationStore: tombstones stay bounded', () => {
  test('a load or sync reaching their version drops them, and late pushes stay turned away', () => {
    const store = loadedAt(10, [conv('C2Cbob', 8), conv('C2Ccarol', 9)]);
    store.remove(['C2Cbob'], 12);
    store.remove(['C2Ccarol'], 13);
    assert.equal(store.tombstoneCount, 2);
    store.applySync(syncReply(12, {}));
    assert.equal(store.tombstoneCount, 1, "bob's is covered by the sync");
    store.applySync(syncReply(20, {}));
    assert.equal(store.tombstoneCount, 0);
    assert.equal(store.upsert([conv('C2Cbob', 11), conv('C2Ccarol', 13)], live), false, 'still older than the removals');
    assert.deepEqual(listed(store), []);

    store.remove(['C2Cdave'], 19);
    assert.equal(store.tombstoneCount, 0, 'a removal at or below the mark needs none');
    store.remove(['C2Cdave'], 21);
    store.beginLoad();
    store.replaceAll([]);
    store.noteVersion(21);
    assert.equal(store.tombstoneCount, 0, 'a full load covering it drops it too');
  });

  test('logging out forgets them', () => {
    const store = loadedAt(10, []);
    store.remove(['C2Cbob'], 12);
    store.clear();
    assert.equal(store.tombstoneCount, 0);
  });
});
